import { runService } from '@samsyn/http';
import { createApp, formPaths, serviceDescription, serviceName } from './app';

await runService({ name: serviceName, description: serviceDescription, createApp, formPaths }, process.env);
