/**
 * Splits an SSE body into events, cutting after each blank line (`\n\n`, `\r\n\r\n`, `\r\r` or mixed line ends, per
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation). The pieces concatenate
 * back to the input byte for byte; trailing text without a final blank line is the last piece.
 */
export function splitSseEvents(text: string): string[] {
  const pieces: string[] = [];
  const blankLine = /(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r(?!\n)|\n)/g;
  let start = 0;
  for (let m = blankLine.exec(text); m !== null; m = blankLine.exec(text)) {
    const end = m.index + m[0].length;
    pieces.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

/**
 * Splits a binary body into AWS event-stream messages (each starts with its total length as a big-endian uint32,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html). Falls back to 1 KiB pieces when the
 * bytes are not a well-formed event stream. The pieces concatenate back to the input.
 */
export function splitBinaryStream(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let offset = 0;
  while (offset + 12 <= bytes.length) {
    const total = bytes.readUInt32BE(offset);
    if (total < 16 || offset + total > bytes.length) break;
    pieces.push(bytes.subarray(offset, offset + total));
    offset += total;
  }
  if (offset === bytes.length) return pieces;
  const fixed: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1024) fixed.push(bytes.subarray(i, i + 1024));
  return fixed;
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Remembers an environment variable; the returned function puts it back as it was (set, or not set). */
export function savedEnv(name: string): () => void {
  const previous = process.env[name];
  return () => {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  };
}
