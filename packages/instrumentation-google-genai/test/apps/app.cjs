'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
// A CommonJS app using @google/genai v3.
const { GoogleGenAI } = require('@google/genai');
const { runScenario } = require('./scenario.cjs');

console.log(`sdk ${require.resolve('@google/genai')}`);
runScenario({ GoogleGenAI, major: 3 }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
