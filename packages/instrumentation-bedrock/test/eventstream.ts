import { crc32 } from 'node:zlib';

/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`), for building the synthetic stream fixtures and
 * for reading what a recorded one says: each message is total length (4 bytes), headers length (4), prelude CRC32
 * (4), headers, payload, message CRC32 (4); big-endian. Only string headers (type 7) are written, as Bedrock does.
 */

export interface EventMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

export function encodeMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(7, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    headerParts.push(head, valueBytes);
  }
  const headerBytes = Buffer.concat(headerParts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const body = Buffer.concat([prelude, preludeCrc, headerBytes, payload]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([body, messageCrc]);
}

/** A Bedrock `event` message with a JSON payload. */
export function encodeEvent(eventType: string, payload: unknown): Buffer {
  return encodeMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(payload), 'utf8'),
  );
}

/** An InvokeModelWithResponseStream `chunk` event carrying one JSON object of the model's streaming format. */
export function encodeChunk(chunk: unknown): Buffer {
  return encodeEvent('chunk', { bytes: Buffer.from(JSON.stringify(chunk), 'utf8').toString('base64') });
}

export function decodeMessages(bytes: Buffer): EventMessage[] {
  const out: EventMessage[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const total = bytes.readUInt32BE(offset);
    const headersLength = bytes.readUInt32BE(offset + 4);
    const headers: Record<string, string> = {};
    let at = offset + 12;
    const headersEnd = at + headersLength;
    while (at < headersEnd) {
      const nameLength = bytes.readUInt8(at);
      const name = bytes.toString('utf8', at + 1, at + 1 + nameLength);
      at += 1 + nameLength;
      const type = bytes.readUInt8(at);
      if (type !== 7) throw new Error(`unexpected header type ${type}`);
      const valueLength = bytes.readUInt16BE(at + 1);
      headers[name] = bytes.toString('utf8', at + 3, at + 3 + valueLength);
      at += 3 + valueLength;
    }
    out.push({ headers, payload: bytes.subarray(headersEnd, offset + total - 4) });
    offset += total;
  }
  return out;
}

/** The JSON payloads of a base64 event stream; `chunk` events decoded down to the model's own JSON objects. */
export function decodeEvents(base64: string): { type: string; value: Record<string, unknown> }[] {
  return decodeMessages(Buffer.from(base64, 'base64')).map((message) => {
    const value = JSON.parse(message.payload.toString('utf8')) as Record<string, unknown>;
    const type = message.headers[':event-type'] ?? '';
    if (type === 'chunk' && typeof value.bytes === 'string') {
      return {
        type,
        value: JSON.parse(Buffer.from(value.bytes, 'base64').toString('utf8')) as Record<string, unknown>,
      };
    }
    return { type, value };
  });
}
