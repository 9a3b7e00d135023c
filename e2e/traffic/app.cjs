// CommonJS traffic app for the end-to-end test: `node --require @llmtel/node/register e2e/traffic/app.cjs`.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const OpenAI = require('openai');
const { withLlmContext } = require('@llmtel/core');
const { runPlan } = require('./run-plan.cjs');

runPlan({ OpenAI, withLlmContext }).catch((err) => {
  console.error('E2E-APP-FAILED', err);
  process.exitCode = 1;
});
