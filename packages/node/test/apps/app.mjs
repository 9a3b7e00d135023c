// An ES module app using the openai SDK, run by the tests with `node --import @llmtel/node/register`.
import { withLlmContext } from '@llmtel/core';
import OpenAI from 'openai';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import scenario from './scenario.cjs';

if (isMainThread) {
  await scenario.runScenario({ OpenAI, withLlmContext, Worker, workerFile: fileURLToPath(import.meta.url) });
} else {
  await scenario.runInWorker({ OpenAI, workerData, parentPort });
}
