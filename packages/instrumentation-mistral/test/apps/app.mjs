// An ES module app using @mistralai/mistralai, run by the tests under the shared OTel preload (`--import`).
import { Mistral } from '@mistralai/mistralai';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ Mistral, withLlmContext });
