export { createApp, type GatewayDeps } from './app';
export { gatewayConfigSchema } from './config';
