// Makes the JSON schemas kubeconform validates deploy/k8s against, offline: the Kubernetes OpenAPI document ships
// in the k8s.io/kubernetes Go module (api/openapi-spec/swagger.json), fetched with `go mod download` from the Go
// module proxy; each kind's definition is turned into a standalone strict schema (references inlined, unknown
// fields rejected) named the way kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` template expects.
// Prints the schema directory. Env: K8S_VERSION (default v1.34.2).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const version = process.env.K8S_VERSION ?? 'v1.34.2';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const outDir = join(root, '.cache', 'k8s-schemas', version);
const stamp = join(outDir, '.complete');

if (!existsSync(stamp)) {
  const env = { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '-buildvcs=false' };
  env.PATH = `${env.PATH ?? ''}:/usr/local/go/bin`;
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], { env, encoding: 'utf8' }),
  );
  if (info.Error) throw new Error(`go mod download k8s.io/kubernetes@${version}: ${info.Error}`);
  const swagger = JSON.parse(readFileSync(join(info.Dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8'));
  const definitions = swagger.definitions;

  // Kubernetes accepts numbers for these string-typed definitions (ports, resource quantities).
  const OVERRIDES = {
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
  };

  const inline = (schema, path) => {
    if (Array.isArray(schema)) return schema.map((s) => inline(s, path));
    if (schema === null || typeof schema !== 'object') return schema;
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/definitions/', '');
      if (OVERRIDES[name]) return OVERRIDES[name];
      // A definition inside itself (CRD validation schemas) is left open rather than expanded forever.
      if (path.includes(name)) return {};
      const { description: _d, ...target } = definitions[name];
      return inline(target, [...path, name]);
    }
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-kubernetes-') || key === 'description') continue;
      // Under `properties` the keys are field names (one may well be "description"): keep them all.
      out[key] =
        key === 'properties'
          ? Object.fromEntries(Object.entries(value).map(([field, s]) => [field, inline(s, path)]))
          : inline(value, path);
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };

  const tmp = `${outDir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let count = 0;
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      const suffix = gvk.group === '' ? `-${gvk.version}` : `-${gvk.group.split('.')[0]}-${gvk.version}`;
      const file = `${gvk.kind.toLowerCase()}${suffix}.json`;
      const schema = { $schema: 'http://json-schema.org/schema#', ...inline(definition, [name]) };
      writeFileSync(join(tmp, file), JSON.stringify(schema));
      count++;
    }
  }
  writeFileSync(join(tmp, '.complete'), `${count} schemas from k8s.io/kubernetes@${version}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  process.stderr.write(`k8s-schemas: wrote ${count} schemas for Kubernetes ${version}\n`);
}
process.stdout.write(`${outDir}\n`);
