// An ES module app using the AI SDK, run by the tests under the shared OTel preload (`--import`).
import * as ai from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { OpenTelemetry } from '@ai-sdk/otel';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ ai, createOpenAI, OpenTelemetry, withLlmContext });
