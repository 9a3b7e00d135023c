/**
 * A minimal reader for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just what the
 * OTLP trace decoder needs. Every read checks bounds, so truncated or corrupt input throws a {@link WireFormatError}
 * instead of reading past the message.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Nesting limit for skipped groups and decoded values: deeper input is treated as hostile. */
export const MAX_DEPTH = 32;

/**
 * Direct-mapped cache of short ASCII strings. Attribute keys and most values (models, providers, user ids) repeat
 * from span to span; comparing bytes with a cached string's char codes is several times cheaper than decoding a new
 * string. A duplicate of this cache in a second (CJS/ESM) copy of the module only costs memory, so it is module state.
 */
const INTERN_SLOTS = 4096;
const INTERN_MAX_LENGTH = 64;
const internStrings: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
/** The bytes of each cached string: comparing bytes with bytes is faster than with a string's char codes. */
const internBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INTERN_SLOTS).fill(undefined);

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export class WireReader {
  readonly buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** Reads a tag; returns `fieldNumber << 3 | wireType` as protobuf encodes it, validated. */
  readTag(): number {
    const tag = this.readVarint32();
    const wireType = tag & 7;
    if (tag >>> 3 === 0) throw new WireFormatError(`invalid field number 0 at offset ${this.pos}`);
    if (wireType > 5) throw new WireFormatError(`invalid wire type ${wireType} at offset ${this.pos}`);
    return tag;
  }

  /** A varint that must fit in 32 bits (tags, lengths, enums, uint32 fields). */
  readVarint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw new WireFormatError('truncated varint');
      const b = buf[pos++]!;
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new WireFormatError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /**
   * A 64-bit varint as a JS number: exact up to 2^53, two's complement negatives (int64) handled. Token counts and
   * costs never come near the limit; beyond it the value is rounded, which is the best a double can do.
   */
  readVarint64(): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let i = 0;
    for (; i < 10; i++) {
      if (pos >= this.end) throw new WireFormatError('truncated varint');
      const b = buf[pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (b < 0x80) break;
    }
    if (i === 10) throw new WireFormatError(`varint longer than 10 bytes at offset ${this.pos}`);
    this.pos = pos;
    return combine64(lo >>> 0, hi >>> 0);
  }

  readBool(): boolean {
    return this.readVarint64() !== 0;
  }

  readFixed32(): number {
    if (this.pos + 4 > this.end) throw new WireFormatError('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned fixed64 (timestamps in nanoseconds) as a bigint, exact. */
  readFixed64BigInt(): bigint {
    if (this.pos + 8 > this.end) throw new WireFormatError('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  readDouble(): number {
    if (this.pos + 8 > this.end) throw new WireFormatError('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the payload, checked against the enclosing message. */
  readLengthDelimitedEnd(): number {
    const len = this.readVarint32();
    const end = this.pos + len;
    if (end > this.end)
      throw new WireFormatError(`length ${len} at offset ${this.pos} runs past the end of the message`);
    return end;
  }

  readString(): string {
    const end = this.readLengthDelimitedEnd();
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  /** Like {@link readString}, through the intern cache for short ASCII strings. */
  readStringInterned(): string {
    const end = this.readLengthDelimitedEnd();
    const start = this.pos;
    const len = end - start;
    this.pos = end;
    if (len > INTERN_MAX_LENGTH) return this.buf.toString('utf8', start, end);
    const buf = this.buf;
    // The slot comes from the length, the first, middle and last four bytes only (the last ones vary most in ids and
    // numbers): cheap, and a hit is confirmed by comparing every byte anyway.
    let h = len;
    if (len >= 4) {
      h = Math.imul(h ^ buf[start]!, 16777619);
      h = Math.imul(h ^ buf[start + (len >> 1)]!, 16777619);
      h = Math.imul(h ^ buf[end - 4]!, 16777619);
      h = Math.imul(h ^ buf[end - 3]!, 16777619);
      h = Math.imul(h ^ buf[end - 2]!, 16777619);
      h = Math.imul(h ^ buf[end - 1]!, 16777619);
    } else {
      for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    }
    const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
    const bytes = internBytes[slot];
    // Only ASCII strings are cached, so equal bytes are also the right characters.
    if (bytes !== undefined && bytes.length === len) {
      let i = 0;
      while (i < len && bytes[i] === buf[start + i]) i++;
      if (i === len) return internStrings[slot]!;
    }
    let high = 0;
    for (let i = start; i < end; i++) high |= buf[i]!;
    if (high >= 0x80) return buf.toString('utf8', start, end);
    const s = buf.toString('latin1', start, end);
    internStrings[slot] = s;
    internBytes[slot] = Uint8Array.prototype.slice.call(buf, start, end);
    return s;
  }

  readBytes(): Buffer {
    const end = this.readLengthDelimitedEnd();
    const b = this.buf.subarray(this.pos, end);
    this.pos = end;
    return b;
  }

  /** Lowercase hex of a bytes field (trace and span ids). */
  readHex(): string {
    const end = this.readLengthDelimitedEnd();
    const s = this.buf.toString('hex', this.pos, end);
    this.pos = end;
    return s;
  }

  /** Skips one field's value of the given wire type. */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.readVarint64();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new WireFormatError('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.readLengthDelimitedEnd();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new WireFormatError('truncated fixed32');
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        // Groups are deprecated and unused by OTLP, but skipping them is what makes unknown fields safe to ignore.
        if (depth >= MAX_DEPTH) throw new WireFormatError('groups nested too deeply');
        for (;;) {
          if (this.pos >= this.end) throw new WireFormatError('truncated group');
          const tag = this.readTag();
          if ((tag & 7) === WIRE_END_GROUP) return;
          this.skip(tag & 7, depth + 1);
        }
      }
      default:
        throw new WireFormatError(`unexpected wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

function combine64(lo: number, hi: number): number {
  if (hi & 0x80000000) {
    // int64 two's complement: negate (~x + 1) in 64 bits, then apply the sign.
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * 4294967296 + nlo);
  }
  return hi * 4294967296 + lo;
}
