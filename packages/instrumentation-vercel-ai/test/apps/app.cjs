// A CommonJS app using the AI SDK, run by the tests under the shared OTel preload (`--require`).
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const ai = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { OpenTelemetry } = require('@ai-sdk/otel');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

runScenario({ ai, createOpenAI, OpenTelemetry, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
