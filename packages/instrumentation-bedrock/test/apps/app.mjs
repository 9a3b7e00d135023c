// An ES module app using @aws-sdk/client-bedrock-runtime, run by the tests under the shared OTel preload (`--import`).
import * as sdk from '@aws-sdk/client-bedrock-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

if (sdk.BedrockRuntimeClient !== BedrockRuntimeClient) throw new Error('two copies of the SDK');
await scenario.runScenario({ sdk, withLlmContext });
