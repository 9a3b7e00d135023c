import { type ProberLogger } from '@llmtel/prober';

/** A logger that keeps every line, to assert on what was (and was not) logged. */
export interface CapturedLogger extends ProberLogger {
  lines: { level: string; message: string }[];
  text(): string;
}

export function captureLogger(): CapturedLogger {
  const lines: { level: string; message: string }[] = [];
  const push = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    text: () => lines.map((l) => `${l.level} ${l.message}`).join('\n'),
  };
}
