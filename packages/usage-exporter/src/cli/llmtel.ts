/**
 * `llmtel`: usage and budget limits for people, as aligned tables. Reads Redis directly (`--redis`, default
 * `LLMTEL_REDIS_URL`) or a running exporter's query API (`--api URL` with `LLMTEL_API_TOKEN`).
 */
import { parseArgs } from 'node:util';
import { UsageStore, type UsageGroupBy, type UsageReport, type UsageTotals } from '@llmtel/usage';
import { DEFAULT_REDIS_URL, ENV_API_TOKEN, ENV_REDIS_URL } from '../config.js';
import type { QueryStore } from '../internal-types.js';
import { createRedisClient, TOOL_REDIS_OPTIONS } from '../redis.js';
import { parseIsoDate } from '../utils.js';
import { HttpQueryStore } from './http-store.js';
import { type Cell, formatTable, formatUsd } from './table.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}

export const LLMTEL_USAGE_TEXT = `Usage:
  llmtel usage [--user U] [--by model|provider|agent|day|week|month] [--from DATE] [--to DATE] [--top N] [--json]
  llmtel limits set U [--tokens N] [--cost USD]
  llmtel limits get U
  llmtel limits delete U

Without --user, "usage" lists the top users of the current billing cycle (--top, default 20; --by cost|tokens).
With --user and no dates it reports the user's current billing cycle. DATE is 2026-05-01 or an ISO date-time;
a date-only --to includes that day.

Connection: --redis URL (default $${ENV_REDIS_URL}, else ${DEFAULT_REDIS_URL})
            --api URL   a running llmtel-usage-exporter's query API, with the token from $${ENV_API_TOKEN}`;

class UsageError extends Error {}

/** Runs the CLI; resolves with the process exit code. */
export async function runLlmtelCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        by: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        top: { type: 'string' },
        tokens: { type: 'string' },
        cost: { type: 'string' },
        json: { type: 'boolean' },
        redis: { type: 'string' },
        api: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`llmtel: ${(err as Error).message}\n\n${LLMTEL_USAGE_TEXT}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(LLMTEL_USAGE_TEXT);
    return values.help ? 0 : 2;
  }

  let close = async (): Promise<void> => {};
  try {
    const command = positionals[0];
    if (command !== 'usage' && command !== 'limits') throw new UsageError(`unknown command "${command}"`);
    const cmd = command === 'usage' ? usageCommand : limitsCommand;
    const problem = cmd.validate(values, positionals.slice(1));
    if (problem) throw new UsageError(problem);
    const opened = openStore(values.redis, values.api, io.env);
    close = opened.close;
    await cmd.run(values, positionals.slice(1), { store: opened.store, io });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`llmtel: ${err.message}\n\n${LLMTEL_USAGE_TEXT}`);
      return 2;
    }
    io.err(`llmtel: ${(err as Error).message}`);
    return 1;
  } finally {
    await close();
  }
}

type Values = {
  user?: string;
  by?: string;
  from?: string;
  to?: string;
  top?: string;
  tokens?: string;
  cost?: string;
  json?: boolean;
};

interface RunContext {
  store: QueryStore;
  io: CliIo;
}

const GROUPS: readonly string[] = ['model', 'provider', 'agent', 'day', 'week', 'month'];

interface Command {
  /** Checks the arguments before any connection is opened; returns the problem, if any. */
  validate(values: Values, args: string[]): string | undefined;
  run(values: Values, args: string[], ctx: RunContext): Promise<void>;
}

const usageCommand: Command = {
  validate(values, args) {
    if (args.length > 0) return `unexpected argument "${args[0]}"`;
    if (values.user !== undefined) {
      if (values.by !== undefined && !GROUPS.includes(values.by)) return `--by must be one of ${GROUPS.join(', ')}`;
    } else if (values.by !== undefined && values.by !== 'cost' && values.by !== 'tokens') {
      return '--by without --user must be cost or tokens';
    }
    if (parseIsoDate(values.from) === null) return '--from must be a date like 2026-05-01';
    if (parseIsoDate(values.to) === null) return '--to must be a date like 2026-05-31';
    const top = values.top === undefined ? 20 : Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) return '--top must be an integer from 1 to 1000';
    if ((values.from || values.to) && !values.user) return '--from/--to need --user';
    return undefined;
  },
  async run(values, _args, ctx) {
    if (values.user === undefined) {
      const rows = await ctx.store.topUsers(Number(values.top ?? 20), values.by === 'tokens' ? 'tokens' : 'cost');
      if (values.json) return ctx.io.out(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return ctx.io.out('No usage recorded.');
      ctx.io.out(
        formatTable(
          [
            { header: 'USER' },
            { header: 'CYCLE' },
            ...TOTAL_HEADERS.map((h) => ({ header: h, align: 'right' as const })),
          ],
          rows.map((r) => [r.user, `${r.from.slice(0, 10)}..${r.to.slice(0, 10)}`, ...totalCells(r.totals)]),
        ) + unknownCostNote(rows.reduce((n, r) => n + r.totals.cost_unknown_requests, 0)),
      );
      return;
    }
    const from = parseIsoDate(values.from);
    let to = parseIsoDate(values.to);
    // A date-only --to means "through that day": the API's end is exclusive.
    if (to && /^\d{4}-\d{2}-\d{2}$/.test(values.to!)) to = new Date(to.getTime() + 86_400_000);
    const report = await ctx.store.getUsage({
      userId: values.user,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(values.by ? { groupBy: values.by as UsageGroupBy } : {}),
    });
    if (values.json) return ctx.io.out(JSON.stringify(report, null, 2));
    ctx.io.out(renderReport(report, values.by));
  },
};

const TOTAL_HEADERS = ['REQUESTS', 'ERRORS', 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'REASONING', 'COST'];

function totalCells(t: UsageTotals): Cell[] {
  return [
    t.requests,
    t.errors,
    t.input_tokens,
    t.output_tokens,
    t.cache_read_tokens,
    t.cache_write_tokens,
    t.reasoning_tokens,
    // `+`: some requests had no known price, so the real cost is higher.
    formatUsd(t.cost_usd) + (t.cost_unknown_requests > 0 ? '+' : ''),
  ];
}

function unknownCostNote(requests: number): string {
  return requests > 0
    ? `\n\n+ ${requests.toLocaleString('en-US')} request(s) without a known price: cost incomplete`
    : '';
}

export function renderReport(report: UsageReport, by: string | undefined): string {
  const title = `Usage of ${report.user} from ${report.from} to ${report.to}`;
  const rows: Cell[][] = report.groups.map((g) => [g.key, ...totalCells(g)]);
  rows.push(['TOTAL', ...totalCells(report.totals)]);
  const headers = [(by ?? 'period').toUpperCase(), ...TOTAL_HEADERS].map((h, i) =>
    i === 0 ? { header: h, align: 'left' as const } : { header: h, align: 'right' as const },
  );
  return `${title}\n\n${formatTable(headers, rows)}${unknownCostNote(report.totals.cost_unknown_requests)}`;
}

function parseLimitValues(values: Values): { tokens?: number; cost?: number } {
  return {
    ...(values.tokens !== undefined ? { tokens: Number(values.tokens) } : {}),
    ...(values.cost !== undefined ? { cost: Number(values.cost.replace(/^\$/, '')) } : {}),
  };
}

const limitsCommand: Command = {
  validate(values, args) {
    const [action, user, extra] = args;
    if (action !== 'set' && action !== 'get' && action !== 'delete') return 'limits needs set, get or delete';
    if (!user) return `limits ${action} needs a user`;
    if (extra !== undefined) return `unexpected argument "${extra}"`;
    if (action === 'set') {
      const { tokens, cost } = parseLimitValues(values);
      if (tokens === undefined && cost === undefined) return 'limits set needs --tokens and/or --cost';
      if (tokens !== undefined && (!Number.isSafeInteger(tokens) || tokens < 0)) {
        return '--tokens must be a non-negative integer';
      }
      if (cost !== undefined && (!Number.isFinite(cost) || cost < 0))
        return '--cost must be a non-negative number (USD)';
    }
    return undefined;
  },
  async run(values, args, ctx) {
    const [action, user] = args as [string, string];
    if (action === 'delete') {
      await ctx.store.deleteLimits(user);
      ctx.io.out(`Limits of ${user} deleted.`);
      return;
    }
    if (action === 'set') {
      const { tokens, cost } = parseLimitValues(values);
      await ctx.store.setLimits(user, {
        ...(tokens !== undefined ? { tokens } : {}),
        ...(cost !== undefined ? { costUsd: cost } : {}),
      });
    }
    const limits = await ctx.store.getLimits(user);
    if (values.json) return ctx.io.out(JSON.stringify({ user, ...limits }, null, 2));
    if (!limits) return ctx.io.out(`No limits set for ${user}.`);
    ctx.io.out(
      formatTable(
        [
          { header: 'USER', align: 'left' },
          { header: 'TOKENS / CYCLE', align: 'right' },
          { header: 'COST / CYCLE', align: 'right' },
        ],
        [[user, limits.tokens ?? 'unlimited', limits.costUsd !== undefined ? formatUsd(limits.costUsd) : 'unlimited']],
      ),
    );
  },
};

function openStore(
  redisUrl: string | undefined,
  apiUrl: string | undefined,
  env: CliIo['env'],
): { store: QueryStore; close: () => Promise<void> } {
  if (apiUrl) {
    const token = env[ENV_API_TOKEN];
    if (!token) throw new Error(`--api needs the query API token in ${ENV_API_TOKEN}`);
    return { store: new HttpQueryStore(apiUrl, token), close: async () => {} };
  }
  const redis = createRedisClient(redisUrl ?? env[ENV_REDIS_URL] ?? DEFAULT_REDIS_URL, TOOL_REDIS_OPTIONS);
  redis.on('error', () => {
    // Reported by the failing command itself.
  });
  return {
    store: new UsageStore(redis),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
