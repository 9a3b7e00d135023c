/**
 * The query API: per-user usage reports, top users, the model/agent/user indexes and budget limits. JSON in and out,
 * snake_case like the usage report itself. Every route needs the bearer token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetLimits, UsageGroupBy } from '@llmtel/usage';
import type { QueryStore } from '../internal-types.js';
import { parseDateParam, parseLimitsBody } from '../utils.js';
import { HttpError, readBody } from './body.js';
import { sendJson } from './respond.js';

const GROUP_BY: readonly UsageGroupBy[] = ['model', 'provider', 'agent', 'day', 'week', 'month'];
const MAX_TOP = 1000;
const MAX_LIMITS_BODY = 4096;

/** Routes a query API request; returns the HTTP status sent. Throws {@link HttpError} for client errors. */
export async function handleQuery(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: QueryStore,
): Promise<number> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path.startsWith('/v1/limits/'))
    return handleLimits(req, res, decodeUser(path.slice('/v1/limits/'.length)), store);
  if (method !== 'GET') throw new HttpError(405, `use GET for ${path}`);
  const q = url.searchParams;
  switch (path) {
    case '/v1/usage': {
      const user = q.get('user');
      if (!user) throw new HttpError(400, 'missing query parameter "user"');
      const groupBy = q.get('group_by') ?? undefined;
      if (groupBy !== undefined && !GROUP_BY.includes(groupBy as UsageGroupBy)) {
        throw new HttpError(400, `group_by must be one of ${GROUP_BY.join(', ')}`);
      }
      const from = parseDateParam(q.get('from'), 'from');
      const to = parseDateParam(q.get('to'), 'to');
      if (from && to && from.getTime() >= to.getTime()) throw new HttpError(400, '"from" must be before "to"');
      const report = await store
        .getUsage({
          userId: user,
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(groupBy ? { groupBy: groupBy as UsageGroupBy } : {}),
        })
        .catch((err: unknown) => {
          // The store refuses periods it will not read (over ~10 years); that is the client's request.
          throw err instanceof RangeError ? new HttpError(400, err.message) : err;
        });
      sendJson(res, 200, report);
      return 200;
    }
    case '/v1/usage/users': {
      const by = q.get('by') ?? 'cost';
      if (by !== 'cost' && by !== 'tokens') throw new HttpError(400, 'by must be cost or tokens');
      const top = parseCount(q.get('top'), 'top', 20);
      sendJson(res, 200, { by, users: await store.topUsers(top, by) });
      return 200;
    }
    case '/v1/usage/models':
      sendJson(res, 200, { models: await store.listModels() });
      return 200;
    case '/v1/usage/agents':
      sendJson(res, 200, { agents: await store.listAgents() });
      return 200;
    case '/v1/usage/count':
      sendJson(res, 200, { users: await store.countUsers() });
      return 200;
    default:
      throw new HttpError(404, `no route ${path}`);
  }
}

async function handleLimits(
  req: IncomingMessage,
  res: ServerResponse,
  user: string,
  store: QueryStore,
): Promise<number> {
  switch (req.method) {
    case 'GET': {
      const limits = await store.getLimits(user);
      if (!limits) throw new HttpError(404, `no limits set for user "${user}"`);
      sendJson(res, 200, limitsJson(user, limits));
      return 200;
    }
    case 'PUT': {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'send limits as application/json');
      const limits = parseLimitsBody((await readBody(req, MAX_LIMITS_BODY)).toString('utf8'));
      await store.setLimits(user, limits);
      sendJson(res, 200, limitsJson(user, limits));
      return 200;
    }
    case 'DELETE':
      await store.deleteLimits(user);
      res.writeHead(204).end();
      return 204;
    default:
      throw new HttpError(405, 'use GET, PUT or DELETE for /v1/limits/{user}');
  }
}

function limitsJson(user: string, limits: BudgetLimits): Record<string, unknown> {
  return {
    user,
    ...(limits.tokens !== undefined ? { tokens: limits.tokens } : {}),
    ...(limits.costUsd !== undefined ? { cost_usd: limits.costUsd } : {}),
  };
}

function decodeUser(raw: string): string {
  if (!raw || raw.includes('/')) throw new HttpError(404, 'use /v1/limits/{user}');
  let user: string;
  try {
    user = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'user id is not valid percent-encoding');
  }
  return user;
}

function parseCount(raw: string | null, name: string, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_TOP)
    throw new HttpError(400, `${name} must be an integer from 1 to ${MAX_TOP}`);
  return n;
}
