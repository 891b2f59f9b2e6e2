import { describeServiceHost } from '@samsyn/testkit';
import { createApp, serviceDescription, serviceName } from '../src/app';

describeServiceHost({ name: serviceName, description: serviceDescription, createApp });
