export { createApp, serviceDescription, serviceName } from './app';
