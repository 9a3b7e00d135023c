// An ES module app using LangChain with ChatOpenAI, run by the tests under the shared OTel preload (`--import`).
import { ChatOpenAI } from '@langchain/openai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { withLlmContext } from '@llmtel/core';
import scenario from './scenario.cjs';

await scenario.runScenario({ ChatOpenAI, ChatPromptTemplate, withLlmContext });
