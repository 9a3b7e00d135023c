import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startOtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { PACKAGE_DIR, runApp } from './helpers/run-app.ts';

const CLI = join(PACKAGE_DIR, 'dist', 'esm', 'demo', 'cli.js');

test('the demo runs the example app through register and prints model, tokens and cost', async () => {
  // No provider API keys and no OTLP endpoint: the built-in fake APIs and the built-in printer.
  const result = await runApp({ flags: [], app: CLI, env: {}, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  assert.match(out, /using the built-in fake OpenAI API/);
  assert.match(out, /app \| support answer: /);
  assert.match(out, /using the built-in fake Anthropic API/);
  assert.match(out, /using the built-in fake Gemini API/);
  assert.match(out, /app \| claude answer: /);
  assert.match(out, /app \| gemini streamed answer: /);
  assert.match(out, /├─ chat gpt-4o-mini {2}\d+ ms/);
  assert.match(out, /openai · model gpt-4o-mini-2024-07-18 · tokens in [\d,]+ \/ out \d+ · cost \$0\.\d+ · user alice/);
  assert.match(out, /├─ chat claude-haiku-4-5 {2}\d+ ms/);
  assert.match(
    out,
    /anthropic · model claude-haiku-4-5-20251001 · tokens in [\d,]+ \(cache write [\d,]+\) \/ out \d+ · cost \$0\.\d+ · user dave/,
  );
  // The second Claude ticket reads the system prompt marked with cache_control from the (fake) cache.
  assert.match(
    out,
    /anthropic · model claude-haiku-4-5-20251001 · tokens in [\d,]+ \(cached [\d,]+\) \/ out \d+ · cost \$0\.\d+ · user dave/,
  );
  assert.match(out, /├─ generate_content gemini-2\.5-flash {2}\d+ ms/);
  assert.match(out, /gcp\.gemini · model gemini-2\.5-flash · tokens in \d+ \/ out \d+ · cost \$0\.\d+ · user erin/);
  // The three providers side by side, each with tokens and a cost.
  for (const provider of ['anthropic', 'gcp\\.gemini', 'openai']) {
    assert.match(
      out,
      new RegExp(
        `Usage by provider\\n(?:.*\\n)*? {2}${provider} +\\d+(?: \\(\\d+ failed\\))? +[1-9][\\d,]* +[\\d,]+ +[1-9][\\d,]* +\\$0\\.\\d+\\n`,
      ),
    );
  }
  // The second support ticket repeats the long system prompt, which the (fake) provider reports as cached.
  assert.match(out, /tokens in [\d,]+ \(cached [\d,]+\)/);
  assert.match(out, /embeddings text-embedding-3-small/);
  assert.match(out, /✗ chat gpt-does-not-exist .*\n.*ERROR model_not_found/);
  assert.match(out, /Usage by user and model\n {2}user +provider +model +calls +in tokens +cached +out tokens +cost/);
  assert.match(out, /alice +openai +gpt-4o-mini +3 +[\d,]+ +[\d,]+ +\d+ +\$0\.\d+/);
  assert.match(out, /dave +anthropic +claude-haiku-4-5 +3 +[\d,]+ +[\d,]+ +\d+ +\$0\.\d+/);
  assert.match(out, /erin +gcp\.gemini +gemini-2\.5-flash +2 +[\d,]+ +[\d,]+ +\d+ +\$0\.\d+/);
  assert.match(out, /gpt-4o-mini: \d+ ms average over 1 stream\(s\)/);
  assert.match(out, /claude-haiku-4-5: \d+ ms average over 1 stream\(s\)/);
  assert.match(out, /gemini-2\.5-flash: \d+ ms average over 1 stream\(s\)/);
  assert.match(out, /Metrics exported: .*gen_ai\.client\.token\.usage/);
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, the demo exports there instead of printing', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const result = await runApp({
      flags: [],
      app: CLI,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`exporting to ${receiver.httpEndpoint}`));
    assert.doesNotMatch(result.stdout, /What llmtel captured/);
    const received = await receiver.waitFor((r) => llmSpans(r).length >= 11, 10_000);
    const spans = llmSpans(received);
    assert.ok(spans.every((s) => s.resource['service.name'] === 'llmtel-demo'));
    assert.deepEqual([...new Set(spans.map((s) => s.attributes['user.id']))].sort(), [
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
    ]);
    assert.deepEqual([...new Set(spans.map((s) => s.attributes['gen_ai.provider.name']))].sort(), [
      'anthropic',
      'gcp.gemini',
      'openai',
    ]);
  } finally {
    await receiver.close();
  }
});
