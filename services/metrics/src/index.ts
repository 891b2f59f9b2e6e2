export { createApp, formPaths, serviceDescription, serviceName } from './app';
