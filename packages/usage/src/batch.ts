// Encodes records into the arguments of lua/record-batch-1.lua (its header documents the layout): per user and day,
// the records' dedupe members and counters, and their sums per combo of provider, model and agent. With the sums
// the script applies a batch of new records with a fixed handful of commands per user instead of a few per record;
// the per-record values serve the rare batch that holds duplicates, which the script then sums again without them.
import { endianness } from 'node:os';
import { cycleAt, dayId } from './cycle.js';
import { type RecordEntry } from './internal-types.js';
import { comboField, COUNTER_FIELDS, userBaseKey } from './keys.js';
import { type UsageRecord } from './types.js';

const COUNTERS = COUNTER_FIELDS.length;
const RECORD_DOUBLES = 1 + COUNTERS;
const DAY_MS = 86_400_000;
/** Longest id kept as is in a dedupe member (a length byte and a type byte go before it). */
const MAX_RAW_ID_BYTES = 253;
const SPAN_MEMBER_BYTES = 25;
const LITTLE_ENDIAN = endianness() === 'LE';

interface DayBlock {
  day: string;
  /** Start of the day, ms. */
  start: number;
  ids: string[];
  idBytes: number;
  /** RECORD_DOUBLES numbers per record: combo index, then the counters. */
  records: number[];
  totals: number[];
  combos: Map<string, number>;
  names: string[];
  /** COUNTERS numbers per combo. */
  sums: number[];
}

interface UserBlock {
  base: string;
  ids: Set<string>;
  days: Map<string, DayBlock>;
  reservations: string[];
}

/** A group of records for one script call: its arguments, and how many records repeated an earlier id. */
export interface EncodedBatch {
  argv: (string | number | Buffer)[];
  /** Records whose id appeared earlier in the same group (for the same user); they count as duplicates. */
  repeated: number;
}

export interface BatchSettings {
  prefix: string;
  dedupeTtlSeconds: number;
  /** Daily bucket retention after the day ends, seconds; 0 = forever. */
  retentionSeconds: number;
  cycleStartDay: number;
  userOf(record: UsageRecord): string;
}

/** Model a record is counted under: the model that served the call, else the one requested. */
export function modelOf(r: UsageRecord): string {
  return r.responseModel || r.requestModel || 'unknown';
}

export function providerOf(r: UsageRecord): string {
  return r.provider || 'unknown';
}

function count(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

/** Encodes one group of records (all in one hash slot) for one script call. */
export function encodeBatch(entries: readonly RecordEntry[], s: BatchSettings): EncodedBatch {
  const users = new Map<string, UserBlock>();
  let repeated = 0;
  let dayStart = NaN;
  let dayName = '';
  for (const { record: r, reservationId } of entries) {
    const user = s.userOf(r);
    let block = users.get(user);
    if (!block) {
      block = { base: userBaseKey(s.prefix, user), ids: new Set(), days: new Map(), reservations: [] };
      users.set(user, block);
    }
    if (reservationId) block.reservations.push(reservationId);
    if (block.ids.has(r.id)) {
      repeated++;
      continue;
    }
    block.ids.add(r.id);

    const ts = r.timestamp;
    if (!(ts >= dayStart && ts < dayStart + DAY_MS)) {
      dayStart = Math.floor(ts / DAY_MS) * DAY_MS;
      dayName = dayId(ts);
    }
    let day = block.days.get(dayName);
    if (day === undefined) {
      day = {
        day: dayName,
        start: dayStart,
        ids: [],
        idBytes: 0,
        records: [],
        totals: new Array<number>(COUNTERS).fill(0),
        combos: new Map(),
        names: [],
        sums: [],
      };
      block.days.set(dayName, day);
    }
    day.ids.push(r.id);
    day.idBytes += 1 + memberLength(r.id);
    const combo = comboField(providerOf(r), modelOf(r), r.agentName ?? '');
    let comboIndex = day.combos.get(combo);
    if (comboIndex === undefined) {
      comboIndex = day.names.length;
      day.combos.set(combo, comboIndex);
      day.names.push(combo);
      for (let k = 0; k < COUNTERS; k++) day.sums.push(0);
    }

    const input = count(r.inputTokens);
    const output = count(r.outputTokens);
    const cacheRead = count(r.cacheReadTokens);
    const cacheWrite = count(r.cacheWriteTokens);
    const known = typeof r.costMicros === 'number' && Number.isFinite(r.costMicros);
    const v0 = 1;
    const v1 = r.error ? 1 : 0;
    const v6 = count(r.reasoningTokens);
    const v7 = known ? count(r.costMicros) : 0;
    const v8 = !known && input + output + cacheRead + cacheWrite > 0 ? 1 : 0;
    day.records.push(comboIndex, v0, v1, input, output, cacheRead, cacheWrite, v6, v7, v8);
    const sums = day.sums;
    const totals = day.totals;
    const at = comboIndex * COUNTERS;
    sums[at]! += v0;
    sums[at + 1]! += v1;
    sums[at + 2]! += input;
    sums[at + 3]! += output;
    sums[at + 4]! += cacheRead;
    sums[at + 5]! += cacheWrite;
    sums[at + 6]! += v6;
    sums[at + 7]! += v7;
    sums[at + 8]! += v8;
    totals[0]! += v0;
    totals[1]! += v1;
    totals[2]! += input;
    totals[3]! += output;
    totals[4]! += cacheRead;
    totals[5]! += cacheWrite;
    totals[6]! += v6;
    totals[7]! += v7;
    totals[8]! += v8;
  }

  const cycles = new Map<number, string>();
  const argv: (string | number | Buffer)[] = [s.dedupeTtlSeconds, users.size];
  for (const b of users.values()) {
    argv.push(b.base, b.days.size, b.reservations.length);
    for (const d of b.days.values()) {
      const n = d.ids.length;
      const end = (d.start + DAY_MS) / 1000;
      let cycle = cycles.get(d.start);
      if (cycle === undefined) {
        cycle = dayId(cycleAt(d.start, s.cycleStartDay).start.getTime());
        cycles.set(d.start, cycle);
      }
      argv.push(d.day, n, d.names.length, end, s.retentionSeconds > 0 ? end + s.retentionSeconds : 0);
      argv.push(cycle, s.cycleStartDay, encodeMembers(d.ids, d.idBytes));
      argv.push(doublesLE(d.records, n * RECORD_DOUBLES), doublesLE(d.totals, COUNTERS));
      for (const name of d.names) argv.push(name);
      argv.push(doublesLE(d.sums, d.sums.length));
    }
    for (const id of b.reservations) argv.push(id);
  }
  return { argv, repeated };
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/** True for `<32 hex digits>-<16 hex digits>`: the `${traceId}-${spanId}` of a span. */
function isSpanId(id: string): boolean {
  if (id.length !== 49 || id.charCodeAt(32) !== 45) return false;
  for (let i = 0; i < 49; i++) {
    if (i === 32) continue;
    const c = id.charCodeAt(i);
    if (c >= 128 || HEX[c]! < 0) return false;
  }
  return true;
}

function memberLength(id: string): number {
  if (isSpanId(id)) return SPAN_MEMBER_BYTES;
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_RAW_ID_BYTES) {
    throw new TypeError(`usage record id longer than ${MAX_RAW_ID_BYTES} bytes: ${id.slice(0, 40)}…`);
  }
  return 1 + bytes;
}

/**
 * Dedupe members, each after a byte holding its length. A span's `${traceId}-${spanId}` becomes 0x00 and its 24
 * bytes (the hex text is twice as long); any other id 0x01 and its UTF-8 bytes. The type byte keeps the two apart.
 */
function encodeMembers(ids: readonly string[], size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  for (const id of ids) {
    if (isSpanId(id)) {
      buf[off++] = SPAN_MEMBER_BYTES;
      buf[off++] = 0;
      for (let i = 0; i < 49; i += 2) {
        if (i === 32) i = 33;
        buf[off++] = (HEX[id.charCodeAt(i)]! << 4) | HEX[id.charCodeAt(i + 1)]!;
      }
    } else {
      const len = buf.write(id, off + 2, 'utf8');
      buf[off] = len + 1;
      buf[off + 1] = 1;
      off += 2 + len;
    }
  }
  return buf;
}

function doublesLE(values: readonly number[], length: number): Buffer {
  const f = new Float64Array(length);
  for (let i = 0; i < length; i++) f[i] = values[i]!;
  const buf = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  return LITTLE_ENDIAN ? buf : buf.swap64();
}
