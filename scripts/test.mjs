// `npm test`: every check the repository has, in order, stopping at the first failure, with the time each took.
// build → lint → test sources type-check → unit tests (packages and grafana) → promtool rule tests → generated Grafana files current →
// compose and k8s manifests valid → the end-to-end test against the real pipeline.
import { spawnSync } from 'node:child_process';

const STEPS = [
  ['build', 'build'],
  ['lint', 'lint'],
  ['test sources type-check', 'typecheck:tests'],
  ['unit tests', 'test:unit'],
  ['Prometheus rule tests', 'test:rules'],
  ['Grafana files current', 'check:grafana'],
  ['compose validates', 'validate:compose'],
  ['k8s validates', 'validate:k8s'],
  ['end-to-end', 'test:e2e'],
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const done = [];
let failed;
for (const [i, [name, script]] of STEPS.entries()) {
  console.log(`\n==> [${i + 1}/${STEPS.length}] ${name}: npm run ${script}`);
  const t0 = Date.now();
  const result = spawnSync(npm, ['run', '--silent', script], { stdio: 'inherit' });
  const seconds = (Date.now() - t0) / 1000;
  done.push({ name, script, seconds, ok: result.status === 0 });
  if (result.status !== 0) {
    failed = { name, code: result.status ?? 1, signal: result.signal };
    break;
  }
}

console.log('\n==> npm test summary');
for (const s of done)
  console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(24)} ${s.seconds.toFixed(1).padStart(7)} s`);
for (const [name] of STEPS.slice(done.length)) console.log(`  skip ${name}`);
console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failed) {
  console.log(`npm test: "${failed.name}" failed (${failed.signal ?? `exit ${failed.code}`})`);
  process.exitCode = failed.code || 1;
}
