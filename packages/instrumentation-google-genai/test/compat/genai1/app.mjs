// An ES module app using @google/genai v1 (installed in this folder).
import { GoogleGenAI } from '@google/genai';
import scenario from '../../apps/scenario.cjs';

console.log(`sdk ${import.meta.resolve('@google/genai')}`);
await scenario.runScenario({ GoogleGenAI, major: 1 });
