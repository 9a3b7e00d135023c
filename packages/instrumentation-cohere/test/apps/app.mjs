// An ES module app using cohere-ai, run by the tests under the shared OTel preload (`--import`).
import { CohereClientV2 } from 'cohere-ai';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ CohereClientV2, withLlmContext });
