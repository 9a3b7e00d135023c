// An ES module app using @mistralai/mistralai, run by the tests with `node --import ./otel-setup.mjs`.
import { Mistral } from '@mistralai/mistralai';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ Mistral, withLlmContext });
