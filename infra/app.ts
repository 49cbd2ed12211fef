import { App } from 'aws-cdk-lib';
import { addPipelineStack } from './pipeline-app';

/** The CDK app (`npm run synth`, `npm run deploy`); see {@link addPipelineStack}. */
addPipelineStack(new App(), process.env);
