// An ES module app using @google/genai v3.
import { GoogleGenAI } from '@google/genai';
import scenario from './scenario.cjs';

console.log(`sdk ${import.meta.resolve('@google/genai')}`);
await scenario.runScenario({ GoogleGenAI, major: 3 });
