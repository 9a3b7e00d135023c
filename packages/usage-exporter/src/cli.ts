#!/usr/bin/env node
import { runExporterCli } from './cli/exporter-cli.js';

void runExporterCli(process.argv.slice(2));
