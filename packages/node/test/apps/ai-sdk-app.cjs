// A CommonJS app using AI SDK v7, run by the tests with `node --require @llmtel/node/register`.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const ai = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./ai-sdk-scenario.cjs');

// Loaded only by an app that registers telemetry itself, as a zero-code app never loads it.
const otel = process.env.APP_REGISTER ? require('@ai-sdk/otel') : undefined;

runScenario({ ai, createOpenAI, otel, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
