// Entry point of the ES module build: hands module-require.ts a `require` anchored here, then re-exports the API.
import { createRequire } from 'node:module';
import { setPackageRequire } from './module-require.js';

setPackageRequire(createRequire(import.meta.url));

export * from './index.js';
