#!/usr/bin/env node
import { runLlmtelCli } from './cli/llmtel.js';

runLlmtelCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  env: process.env,
}).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`llmtel: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
