// The end-to-end test's traffic: an ordinary program using the real `openai` SDK, shared by app.cjs (run with
// `--require @llmtel/node/register`) and app.mjs (`--import`), each passing in the SDK loaded its own way. It plays
// the calls of the plan in LLMTEL_E2E_PLAN one after the other, each under `withLlmContext({ userId })`, and prints
// one `E2E-CALL {json}` line per call with what the app itself saw (usage, response id and model, or the error
// status), which is what the test computes its expected totals from.
'use strict';
/* global module, require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module on purpose */

const fs = require('node:fs');
const { setTimeout: sleep } = require('node:timers/promises');

const PROMPT = [{ role: 'user', content: 'Suggest one name for a travel agency.' }];

async function chat(client, call) {
  const res = await client.chat.completions.create({ model: call.model, messages: PROMPT, max_tokens: 64 });
  return { ok: true, id: res.id, responseModel: res.model, usage: res.usage };
}

async function stream(client, call) {
  const s = await client.chat.completions.create({
    model: call.model,
    messages: PROMPT,
    stream: true,
    stream_options: { include_usage: true },
  });
  let id;
  let responseModel;
  let usage;
  let contentChunks = 0;
  for await (const chunk of s) {
    id ??= chunk.id;
    responseModel ??= chunk.model;
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices[0]?.delta?.content) contentChunks++;
  }
  return { ok: true, id, responseModel, usage, contentChunks };
}

async function failing(client, call) {
  try {
    await client.chat.completions.create({ model: call.model, messages: PROMPT });
  } catch (err) {
    return { ok: false, status: err?.status, errorName: err?.constructor?.name };
  }
  return { ok: true, unexpected: 'the provider answered a call planned to fail' };
}

async function perform(client, call) {
  if (call.kind === 'stream') return stream(client, call);
  if (call.kind === 'error') return failing(client, call);
  return chat(client, call);
}

async function runPlan({ OpenAI, withLlmContext }) {
  const plan = JSON.parse(fs.readFileSync(process.env.LLMTEL_E2E_PLAN, 'utf8'));
  const options = { apiKey: 'sk-e2e-not-a-real-key-000000', maxRetries: 0 };
  const fast = new OpenAI({ ...options, baseURL: process.env.LLMTEL_E2E_FAST_URL });
  const slow = new OpenAI({ ...options, baseURL: process.env.LLMTEL_E2E_SLOW_URL });
  const paceMs = Number(process.env.LLMTEL_E2E_PACE_MS || 0);
  for (const [i, call] of plan.calls.entries()) {
    const observed = await withLlmContext({ userId: call.user }, () => perform(call.slow ? slow : fast, call));
    console.log(`E2E-CALL ${JSON.stringify({ i, user: call.user, model: call.model, kind: call.kind, ...observed })}`);
    if (paceMs > 0) await sleep(paceMs);
  }
  console.log(`E2E-DONE ${plan.calls.length}`);
}

module.exports = { runPlan };
