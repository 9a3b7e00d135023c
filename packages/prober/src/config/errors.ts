/** One problem in the prober config: which monitor (if any), which field, and what is wrong. */
export interface ConfigIssue {
  /** `provider/service (monitors[i])`, or `monitors[i]` when the names are missing; absent for root fields. */
  monitor?: string;
  field: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.monitor !== undefined ? `monitor ${issue.monitor}: ` : ''}${issue.field}: ${issue.message}`;
}

/** Thrown when the config cannot be used; the message lists every issue, each naming its monitor and field. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  /** Hash of what was read, so a watcher reports the same broken file only once. */
  fingerprint: string | undefined;

  constructor(source: string, issues: ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${formatIssue(i)}`).join('\n');
    super(`invalid prober config ${source}:\n${lines}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
