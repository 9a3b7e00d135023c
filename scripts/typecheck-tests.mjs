// `npm run typecheck:tests`: strict tsc over every test tree that has its own tsconfig.json (node runs the tests by
// stripping types, so without this a wrong type in a test would never be reported). Stops at the first failure.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const projects = [
  ...readdirSync(join(root, 'packages')).map((name) => join('packages', name, 'test')),
  join('grafana', 'test'),
  'e2e',
].filter((dir) => existsSync(join(root, dir, 'tsconfig.json')));

for (const project of projects) {
  try {
    execFileSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(`typecheck:tests: ${project} has type errors`);
    process.exit(1);
  }
}
console.log(`typecheck:tests: ${projects.length} test projects type-check`);
