/**
 * Generates the dashboards, the Grafana alert provisioning, the Prometheus rule files and the list of every PromQL
 * expression from grafana/src. `node src/generate.ts` writes them; `--check` writes nothing and exits 1 when a
 * committed file differs from what the sources generate (CI runs it, so edited JSON or YAML cannot drift).
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { stringify } from 'yaml';
import { generatedFiles } from './outputs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function format(path: string, text: string): Promise<string> {
  const config = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(text, { ...config, filepath: path });
}

function render(path: string, header: string[], data: unknown): string {
  // The SDK's query models carry marker methods; a JSON round trip keeps only data, as Grafana will read it.
  const plain: unknown = JSON.parse(JSON.stringify(data));
  if (path.endsWith('.json')) return JSON.stringify(plain, null, 2) + '\n';
  const comment = header.map((l) => (l ? `# ${l}` : '#')).join('\n');
  return `${comment}\n${stringify(plain, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const f of generatedFiles()) {
    const path = join(root, f.path);
    const text = await format(path, render(path, f.header, f.data));
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === text) continue;
    if (check) {
      stale.push(f.path);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    console.log(`wrote ${relative(root, path)}`);
  }
  if (stale.length > 0) {
    console.error(`stale generated files (run npm run generate:grafana):\n  ${stale.join('\n  ')}`);
    return 1;
  }
  if (check) console.log('grafana: generated dashboards, alert provisioning and Prometheus rules are current');
  return 0;
}

process.exitCode = await main();
