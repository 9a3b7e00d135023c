// A CommonJS app using @anthropic-ai/sdk, run by the tests under the shared OTel preload (`--require`).
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const Anthropic = require('@anthropic-ai/sdk');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

runScenario({ Anthropic, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
