// An ES module app using cohere-ai, run by the tests with `node --import ./otel-setup.mjs`.
import { CohereClientV2 } from 'cohere-ai';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ CohereClientV2, withLlmContext });
