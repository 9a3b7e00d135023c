import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Helpers shared by the demo's loopback fake providers. */

export function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Roughly four characters per token, as the providers' rule of thumb; never zero for non-empty text. */
export function tokensOf(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Output split into streaming pieces; one piece counts as one output token. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The request's JSON body; rejects with `invalid` (the provider's own error for a bad body) when it isn't JSON. */
export function readJson(req: IncomingMessage, invalid: Error): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(invalid);
      }
    });
  });
}
