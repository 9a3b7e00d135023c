import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GoogleGenAIInstrumentation,
  type GoogleGenAIInstrumentationConfig,
} from '@llmtel/instrumentation-google-genai';
import { collect, loadLocalFixture, setup, type Harness } from './helpers.ts';

const ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
const SECRET_PROMPT = 'Which ocean contains Bouvet Island? Answer in up to 3 words.';
const ANSWER = 'South Atlantic Ocean.\n';

const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions'];

describe('message content capture', () => {
  // One instrumentation for the file: the SDK is patched when first required, so each test reconfigures it.
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  afterEach(() => {
    delete process.env[ENV];
  });

  function configure(config: GoogleGenAIInstrumentationConfig = {}): Harness {
    h.instrumentation.setConfig(config);
    return h;
  }

  async function plainAndStreamed(harness: Harness) {
    harness.reset();
    harness.fake.enqueue(loadLocalFixture('gcp.gemini', 'generate-content'));
    harness.fake.enqueue(loadLocalFixture('gcp.gemini', 'stream-generate-content'));
    const config = { systemInstruction: 'You are a geography tutor.' };
    const client = harness.gemini();
    await client.models.generateContent({ model: 'gemini-2.0-flash', contents: SECRET_PROMPT, config });
    await collect(
      await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: SECRET_PROMPT, config }),
    );
    return harness.waitForSpans(2);
  }

  test('is off by default: no prompt, answer or system instruction on plain or streamed spans', async () => {
    configure();
    const spans = await plainAndStreamed(h);
    for (const span of spans) {
      for (const key of CONTENT_ATTRIBUTES) assert.equal(span.attributes[key], undefined, key);
      const values = JSON.stringify(span.attributes);
      assert.ok(!values.includes('Bouvet') && !values.includes('Atlantic') && !values.includes('tutor'));
    }
  });

  test('captureMessageContent: true records the conventions’ message JSON, streamed answers joined', async () => {
    configure({ captureMessageContent: true });
    const spans = await plainAndStreamed(h);
    for (const span of spans) {
      assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
        { role: 'user', parts: [{ type: 'text', content: SECRET_PROMPT }] },
      ]);
      assert.deepEqual(JSON.parse(span.attributes['gen_ai.system_instructions'] as string), [
        { type: 'text', content: 'You are a geography tutor.' },
      ]);
      assert.deepEqual(JSON.parse(span.attributes['gen_ai.output.messages'] as string), [
        { role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finish_reason: 'stop' },
      ]);
    }
  });

  test(`${ENV}=true turns it on when the config does not say`, async () => {
    process.env[ENV] = 'true';
    configure();
    const spans = await plainAndStreamed(h);
    for (const span of spans) assert.equal(typeof span.attributes['gen_ai.input.messages'], 'string');
  });

  test('the config wins over the env var', async () => {
    process.env[ENV] = 'true';
    configure({ captureMessageContent: false });
    const spans = await plainAndStreamed(h);
    for (const span of spans) assert.equal(span.attributes['gen_ai.input.messages'], undefined);
  });

  test('the redactor rewrites every captured text', async () => {
    configure({ captureMessageContent: true, contentRedactor: (text, field) => `[${field}:${text.length}]` });
    const spans = await plainAndStreamed(h);
    const input = JSON.parse(spans[0]!.attributes['gen_ai.input.messages'] as string) as unknown;
    assert.deepEqual(input, [{ role: 'user', parts: [{ type: 'text', content: `[input:${SECRET_PROMPT.length}]` }] }]);
    const output = JSON.parse(spans[1]!.attributes['gen_ai.output.messages'] as string) as unknown;
    assert.deepEqual(output, [
      { role: 'assistant', parts: [{ type: 'text', content: `[output:${ANSWER.length}]` }], finish_reason: 'stop' },
    ]);
  });

  test('a bad redactor in code is a programming error', () => {
    assert.throws(() => new GoogleGenAIInstrumentation({ contentRedactor: 'no' as never }), TypeError);
  });
});
