// An ES module app using LangChain with ChatOpenAI, run by the tests with `node --import ./otel-setup.mjs`.
import { ChatOpenAI } from '@langchain/openai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ ChatOpenAI, ChatPromptTemplate, withLlmContext });
