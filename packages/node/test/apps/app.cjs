// A CommonJS app using the openai SDK, run by the tests with `node --require @llmtel/node/register`.
'use strict';
/* global require, __filename */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const { isMainThread, Worker, workerData, parentPort } = require('node:worker_threads');
const OpenAI = require('openai');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

if (isMainThread) {
  runScenario({ OpenAI, withLlmContext, Worker, workerFile: __filename }).catch((err) => {
    console.error('APP FAILED', err);
    process.exitCode = 1;
  });
} else {
  require('./scenario.cjs').runInWorker({ OpenAI, workerData, parentPort });
}
