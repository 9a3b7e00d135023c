// Real Redis servers for tests, from Debian's redis-server, on free loopback ports: a single node (optionally with
// AOF, killable and restartable on the same port and data) and a 3-master cluster. Every wait is bounded.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const REDIS_SERVER = process.env.LLMTEL_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';
const REDIS_CLI = process.env.LLMTEL_TEST_REDIS_CLI ?? '/usr/bin/redis-cli';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A free loopback port; with `withBus`, port + 10000 (the cluster bus) is free too. */
export async function freePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await ephemeralPort();
    if (!withBus) return port;
    if (port + 10_000 <= 65_535 && (await canListen(port + 10_000))) return port;
  }
  throw new Error('no free port found');
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => finish(new Error(`redis-server on ${port} not ready in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`redis-server on ${port} exited (${code}):\n${output}`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.stdout?.resume();
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    child.kill(signal);
  });
}

export interface RedisNodeOptions {
  /** Append-only file on, fsync on every write (so an acknowledged write survives SIGKILL). Default false. */
  aof?: boolean;
  /** Start as a cluster node. */
  cluster?: boolean;
}

/** One redis-server process on 127.0.0.1. */
export class RedisNode {
  readonly host = HOST;
  readonly port: number;
  readonly dir: string;
  private readonly options: RedisNodeOptions;
  private child: ChildProcess | undefined;

  private constructor(port: number, dir: string, options: RedisNodeOptions) {
    this.port = port;
    this.dir = dir;
    this.options = options;
  }

  /** Starts a node on a free port in a new temporary directory. */
  static async start(options: RedisNodeOptions = {}): Promise<RedisNode> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const node = new RedisNode(
        await freePort(options.cluster),
        mkdtempSync(join(tmpdir(), 'llmtel-redis-')),
        options,
      );
      try {
        await node.restart();
        return node;
      } catch (err) {
        lastError = err;
        await node.stop();
      }
    }
    throw lastError;
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** (Re)starts the server on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('already running');
    const args = ['--port', String(this.port), '--bind', HOST, '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    args.push('--protected-mode', 'no', '--loglevel', 'notice');
    if (this.options.aof) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    else args.push('--appendonly', 'no');
    if (this.options.cluster) {
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000');
    }
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    running.add(child);
    await waitForReady(child, this.port);
  }

  /** SIGKILL: no shutdown save, no goodbye to clients. */
  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  /** Stops the server and deletes its data directory. */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function redisCli(args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(REDIS_CLI, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A 3-master Redis Cluster (no replicas) on loopback. */
export class RedisCluster {
  readonly nodes: RedisNode[];

  private constructor(nodes: RedisNode[]) {
    this.nodes = nodes;
  }

  static async start(masters = 3): Promise<RedisCluster> {
    const nodes: RedisNode[] = [];
    const cluster = new RedisCluster(nodes);
    try {
      for (let i = 0; i < masters; i++) nodes.push(await RedisNode.start({ cluster: true }));
      const addresses = nodes.map((n) => `${HOST}:${n.port}`);
      await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.waitUntilOk();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** Startup nodes for ioredis' Cluster client. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: n.host, port: n.port }));
  }

  private async waitUntilOk(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const infos = await Promise.all(
        this.nodes.map((n) => redisCli(['-h', HOST, '-p', String(n.port), 'cluster', 'info'], 5_000)),
      );
      if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`cluster not ok in ${START_TIMEOUT_MS} ms:\n${infos.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
