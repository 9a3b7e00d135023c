// The ESM entry point: gives the shared code a `require` rooted here (see local-require.ts).
import { createRequire } from 'node:module';
import { setLocalRequire } from './local-require.js';

setLocalRequire(createRequire(import.meta.url));

export * from './index.js';
