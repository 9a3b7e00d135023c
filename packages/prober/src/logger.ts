import { type ProberLogger } from './types.js';
import { redactSecrets } from './utils.js';

/** One line per message, `<ISO time> <level> <message>`; info and debug to stdout, warnings and errors to stderr. */
export function consoleLogger(opts: { debug?: boolean } = {}): ProberLogger {
  const line = (level: string, message: string) => `${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`;
  return {
    debug: (m) => {
      if (opts.debug) process.stdout.write(line('debug', m));
    },
    info: (m) => process.stdout.write(line('info', m)),
    warn: (m) => process.stderr.write(line('warn', m)),
    error: (m) => process.stderr.write(line('error', m)),
  };
}

/** Wraps a logger so no message can carry one of the current secrets (API keys), whatever produced it. */
export function redactingLogger(base: ProberLogger, secrets: () => Iterable<string>): ProberLogger {
  return {
    debug: (m) => base.debug(redactSecrets(m, secrets())),
    info: (m) => base.info(redactSecrets(m, secrets())),
    warn: (m) => base.warn(redactSecrets(m, secrets())),
    error: (m) => base.error(redactSecrets(m, secrets())),
  };
}
