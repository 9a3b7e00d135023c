// A CommonJS app using @mistralai/mistralai, run by the tests under the shared OTel preload (`--require`). 2.x is an ES
// module; Node loads it through `require` since 22.12.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const { Mistral } = require('@mistralai/mistralai');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

runScenario({ Mistral, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
