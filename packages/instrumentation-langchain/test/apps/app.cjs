// A CommonJS app using LangChain with ChatOpenAI, run by the tests under the shared OTel preload (`--require`).
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
const { ChatOpenAI } = require('@langchain/openai');
const { ChatPromptTemplate } = require('@langchain/core/prompts');
const { withLlmContext } = require('@llmtel/core');
const { runScenario } = require('./scenario.cjs');

runScenario({ ChatOpenAI, ChatPromptTemplate, withLlmContext }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
