/*
 * Imported first by every entry point (`npm start`, the command-line tools) for its effect: the AWS SDK's
 * Node.js version advisory is off before any client is built (see node-support.ts).
 */
import { silenceAwsSdkNodeAdvisory } from './node-support';

silenceAwsSdkNodeAdvisory();
