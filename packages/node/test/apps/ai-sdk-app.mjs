// An ES module app using AI SDK v7, run by the tests with `node --import @llmtel/node/register`.
import * as ai from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { withLlmContext } from '@llmtel/core';
import scenario from './ai-sdk-scenario.cjs';

// Loaded only by an app that registers telemetry itself, as a zero-code app never loads it.
const otel = process.env.APP_REGISTER ? await import('@ai-sdk/otel') : undefined;

await scenario.runScenario({ ai, createOpenAI, otel, withLlmContext });
