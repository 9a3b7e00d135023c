// ES module traffic app for the end-to-end test: `node --import @llmtel/node/register e2e/traffic/app.mjs`.
import { withLlmContext } from '@llmtel/core';
import OpenAI from 'openai';
import runPlanModule from './run-plan.cjs';

runPlanModule.runPlan({ OpenAI, withLlmContext }).catch((err) => {
  console.error('E2E-APP-FAILED', err);
  process.exitCode = 1;
});
