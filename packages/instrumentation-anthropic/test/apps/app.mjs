// An ES module app using @anthropic-ai/sdk, run by the tests with `node --import ./otel-setup.mjs`.
import Anthropic from '@anthropic-ai/sdk';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ Anthropic, withLlmContext });
