// ES module preload (`--import ./otel-setup.mjs`): registers import-in-the-middle's loader hook for the SDK, so
// that `import { CohereClientV2 } from 'cohere-ai'` is patched too, then runs the CommonJS setup.
import { createRequire, register } from 'node:module';

const include = ['cohere-ai'];
const hooks = await import('import-in-the-middle/register-hooks.mjs');
if (hooks.supportsSyncHooks()) hooks.register({ include });
else register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });

createRequire(import.meta.url)('./otel-setup.cjs');
