#!/usr/bin/env node
// The llmtel pipeline on loopback: `node deploy/local/stack.mjs up|down|status|restart <component>`.
// State (PIDs, logs, data) lives in .cache/stack unless LLMTEL_STACK_DIR says otherwise; see stack-lib.mjs.
import { parseArgs } from 'node:util';
import {
  COMPONENTS,
  ensureBinaries,
  resolveStackOptions,
  stackStatus,
  startComponent,
  startStack,
  stopComponent,
  stopStack,
} from './stack-lib.mjs';

const USAGE = `Usage: node deploy/local/stack.mjs <command> [options]

Commands:
  up [--fresh]             build what is missing, start redis, jaeger, usage-exporter, collector, prometheus
                           (--fresh first wipes Redis data, the collector's queue and Prometheus' TSDB)
  down                     stop everything by PID (SIGTERM, SIGKILL after a grace period)
  status                   show PID and health of each component
  build                    build the collector and Jaeger binaries into .cache/bin
  start <component>        start one component (${COMPONENTS.join(', ')})
  stop <component> [--kill]  stop one component (--kill: SIGKILL at once)
  restart <component>      stop then start one component

Environment: LLMTEL_STACK_DIR (state dir), LLMTEL_STACK_*_PORT, LLMTEL_TAIL_SAMPLING_PERCENTAGE,
LLMTEL_TAIL_SAMPLING_DECISION_WAIT, LLMTEL_TAIL_SAMPLING_LATENCY_THRESHOLD_MS, LLMTEL_API_TOKEN.`;

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { fresh: { type: 'boolean' }, kill: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, component] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const options = { detached: true, log: (line) => console.log(line) };
  const needComponent = () => {
    if (!COMPONENTS.includes(component)) throw new Error(`name a component: ${COMPONENTS.join(', ')}`);
    return component;
  };
  switch (command) {
    case 'up': {
      const stack = await startStack({ ...options, fresh: values.fresh });
      const opts = resolveStackOptions(options);
      console.log('\nllmtel stack is up:');
      for (const [name, url] of Object.entries(stack.endpoints)) console.log(`  ${name.padEnd(20)} ${url}`);
      if (stack.apiToken) console.log(`  usage API token      in ${opts.stateDir}/api-token (or LLMTEL_API_TOKEN)`);
      console.log(`  logs and PIDs        ${opts.stateDir}`);
      return 0;
    }
    case 'down':
      await stopStack(options);
      return 0;
    case 'status': {
      const status = await stackStatus(options);
      let allHealthy = true;
      for (const [name, s] of Object.entries(status)) {
        allHealthy &&= s.healthy;
        const state = s.running ? (s.healthy ? 'healthy' : 'running, not healthy') : 'stopped';
        console.log(`${name.padEnd(16)} ${state.padEnd(22)} ${s.pid ? `pid ${s.pid}` : ''}`);
      }
      return allHealthy ? 0 : 3;
    }
    case 'build':
      ensureBinaries(options);
      return 0;
    case 'start':
      await startComponent(needComponent(), options);
      return 0;
    case 'stop':
      await stopComponent(needComponent(), options, { signal: values.kill ? 'SIGKILL' : 'SIGTERM' });
      return 0;
    case 'restart':
      await stopComponent(needComponent(), options);
      await startComponent(component, options);
      return 0;
    default:
      console.error(USAGE);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`stack: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
