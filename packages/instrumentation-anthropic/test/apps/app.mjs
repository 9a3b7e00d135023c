// An ES module app using @anthropic-ai/sdk, run by the tests under the shared OTel preload (`--import`).
import Anthropic from '@anthropic-ai/sdk';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ Anthropic, withLlmContext });
