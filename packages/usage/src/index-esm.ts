// Entry point of the ES module build: tells lua.ts where the package's Lua scripts are, then re-exports the API.
import { fileURLToPath } from 'node:url';
import { setLuaDirectory } from './lua.js';

setLuaDirectory(fileURLToPath(new URL('../../lua/', import.meta.url)));

export * from './index.js';
