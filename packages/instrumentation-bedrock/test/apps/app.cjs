// A CommonJS app using @aws-sdk/client-bedrock-runtime, run by the tests under the shared OTel preload (`--require`).
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const sdk = require('@aws-sdk/client-bedrock-runtime');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

runScenario({ sdk, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
