// `node --import @llmtel/node/register app.mjs`: also hooks ES module imports.
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { registerEsmLoader } from './esm-loader-esm.js';
import { setLocalRequire } from './local-require.js';
import { registerFromEnv } from './register-common.js';

setLocalRequire(createRequire(import.meta.url));
registerFromEnv();
if (isMainThread) await registerEsmLoader();
