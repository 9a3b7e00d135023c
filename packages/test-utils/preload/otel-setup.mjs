// ES module preload of spawned test apps (`--import`; see spawned-app.ts): registers import-in-the-middle's loader
// hook for what `LLMTEL_TEST_OTEL`'s `hook` names, so that ES module imports of the SDKs are patched too, then runs the
// CommonJS setup.
import { createRequire, register } from 'node:module';

const hook = JSON.parse(process.env.LLMTEL_TEST_OTEL ?? '{}').hook ?? [];
const include = hook.map((entry) => (typeof entry === 'string' ? entry : new RegExp(entry.regexp, entry.flags)));
if (include.length > 0) {
  const hooks = await import('import-in-the-middle/register-hooks.mjs');
  if (hooks.supportsSyncHooks()) hooks.register({ include });
  else register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
}

createRequire(import.meta.url)('./otel-setup.cjs');
