import type { BudgetLimits, UsageQuery, UsageReport, UserUsageSummary } from '@llmtel/usage';
import type { QueryStore } from '../internal-types.js';

/** The query API of a running exporter, seen as a store: what `llmtel --api URL` uses. */
export class HttpQueryStore implements QueryStore {
  private readonly base: string;
  private readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.token = token;
  }

  async getUsage(query: UsageQuery): Promise<UsageReport> {
    const params = new URLSearchParams({ user: query.userId });
    if (query.from) params.set('from', query.from.toISOString());
    if (query.to) params.set('to', query.to.toISOString());
    if (query.groupBy) params.set('group_by', query.groupBy);
    return (await this.request('GET', `/v1/usage?${params.toString()}`)) as UsageReport;
  }

  async topUsers(n: number, by: 'cost' | 'tokens'): Promise<UserUsageSummary[]> {
    const body = (await this.request('GET', `/v1/usage/users?top=${n}&by=${by}`)) as { users: UserUsageSummary[] };
    return body.users;
  }

  async listModels(): Promise<string[]> {
    return ((await this.request('GET', '/v1/usage/models')) as { models: string[] }).models;
  }

  async listAgents(): Promise<string[]> {
    return ((await this.request('GET', '/v1/usage/agents')) as { agents: string[] }).agents;
  }

  async countUsers(): Promise<number> {
    return ((await this.request('GET', '/v1/usage/count')) as { users: number }).users;
  }

  async getLimits(user: string): Promise<BudgetLimits | undefined> {
    const body = (await this.request('GET', `/v1/limits/${encodeURIComponent(user)}`, undefined, true)) as
      { tokens?: number; cost_usd?: number } | undefined;
    if (!body) return undefined;
    return {
      ...(body.tokens !== undefined ? { tokens: body.tokens } : {}),
      ...(body.cost_usd !== undefined ? { costUsd: body.cost_usd } : {}),
    };
  }

  async setLimits(user: string, limits: BudgetLimits): Promise<void> {
    await this.request('PUT', `/v1/limits/${encodeURIComponent(user)}`, {
      ...(limits.tokens !== undefined ? { tokens: limits.tokens } : {}),
      ...(limits.costUsd !== undefined ? { cost_usd: limits.costUsd } : {}),
    });
  }

  async deleteLimits(user: string): Promise<void> {
    await this.request('DELETE', `/v1/limits/${encodeURIComponent(user)}`);
  }

  private async request(method: string, path: string, body?: unknown, notFoundIsEmpty = false): Promise<unknown> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (notFoundIsEmpty && res.status === 404) return undefined;
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${message}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
}
