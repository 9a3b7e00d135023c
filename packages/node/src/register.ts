// `node --require @llmtel/node/register app.js`
import { registerFromEnv } from './register-common.js';

registerFromEnv();
