'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app on purpose */
// A CommonJS app using @google/genai v1 (installed in this folder).
const { GoogleGenAI } = require('@google/genai');
const { runScenario } = require('../../apps/scenario.cjs');

console.log(`sdk ${require.resolve('@google/genai')}`);
runScenario({ GoogleGenAI, major: 1 }).catch((err) => {
  console.error('APP FAILED', err);
  process.exitCode = 1;
});
