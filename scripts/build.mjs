// Builds every workspace package twice: ESM (+ declarations) through the root project references, then CommonJS
// from each package's tsconfig.cjs.json. dist/cjs gets a package.json that marks it CommonJS, because the packages
// themselves are "type": "module".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const rootConfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const packages = rootConfig.references.map((r) => join(root, r.path));

if (process.argv.includes('--clean')) {
  for (const dir of packages) rmSync(join(dir, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-b', '--clean'], { cwd: root, stdio: 'inherit' });
  process.exit(0);
}

execFileSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
for (const dir of packages) {
  const cjsConfig = join(dir, 'tsconfig.cjs.json');
  if (!existsSync(cjsConfig)) continue;
  execFileSync(process.execPath, [tsc, '-p', cjsConfig], { cwd: dir, stdio: 'inherit' });
  mkdirSync(join(dir, 'dist', 'cjs'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
}
