// An ES module app importing @google/genai v3 through its `/node` subpath.
import { GoogleGenAI } from '@google/genai/node';
import scenario from './scenario.cjs';

console.log(`sdk ${import.meta.resolve('@google/genai/node')}`);
await scenario.runScenario({ GoogleGenAI, major: 3 });
