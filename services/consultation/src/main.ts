import { runService } from '@samsyn/http';
import { createApp, serviceDescription, serviceName } from './app';

await runService({ name: serviceName, description: serviceDescription, createApp }, process.env);
