// Encodes records into the arguments of lua/record-batch-1.lua (its header documents the layout): per user, the
// records' dedupe members and counters, and their sums per day and combo. The sums let the script apply a batch of
// new records with a handful of commands per user instead of a few per record; the per-record values are there for
// the rare batch that holds duplicates, which the script then sums again without them.
import { endianness } from 'node:os';
import { dayId } from './cycle.js';
import { type RecordEntry } from './internal-types.js';
import { comboField, COUNTER_FIELDS } from './keys.js';
import { type UsageRecord } from './types.js';

const COUNTERS = COUNTER_FIELDS.length;
const RECORD_DOUBLES = 1 + COUNTERS;
const DAY_MS = 86_400_000;
/** Longest id kept as is in a dedupe member (one length byte, one type byte). */
const MAX_RAW_ID_BYTES = 254;
const LITTLE_ENDIAN = endianness() === 'LE';

interface DayBlock {
  day: string;
  members: string[];
  memberBytes: number;
  /** RECORD_DOUBLES numbers per record: combo index, counters. */
  records: number[];
  combos: Map<string, number>;
  names: string[];
  /** COUNTERS numbers per combo. */
  sums: number[];
}

interface UserBlock {
  user: string;
  ids: Set<string>;
  days: Map<string, DayBlock>;
  reservations: string[];
}

/** A group of records for one script call: its arguments, and the records it skipped as repeated in the group. */
export interface EncodedBatch {
  argv: (string | number | Buffer)[];
  /** Records whose id appeared earlier in the same group (for the same user): counted as duplicates. */
  repeated: number;
}

export interface BatchSettings {
  prefix: string;
  dedupeTtlSeconds: number;
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
      block = { user, ids: new Set(), days: new Map(), reservations: [] };
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
      day = { day: dayName, members: [], memberBytes: 0, records: [], combos: new Map(), names: [], sums: [] };
      block.days.set(dayName, day);
    }
    day.members.push(r.id);
    day.memberBytes += 1 + memberLength(r.id);
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
    const unknownCost = !known && input + output + cacheRead + cacheWrite > 0 ? 1 : 0;
    const values = [
      1,
      r.error ? 1 : 0,
      input,
      output,
      cacheRead,
      cacheWrite,
      count(r.reasoningTokens),
      known ? count(r.costMicros) : 0,
      unknownCost,
    ];
    const sums = day.sums;
    const at = comboIndex * COUNTERS;
    const rec = day.records;
    rec.push(comboIndex);
    for (let k = 0; k < COUNTERS; k++) {
      sums[at + k]! += values[k]!;
      rec.push(values[k]!);
    }
  }

  const argv: (string | number | Buffer)[] = [
    s.prefix,
    s.dedupeTtlSeconds,
    s.retentionSeconds,
    s.cycleStartDay,
    users.size,
  ];
  for (const b of users.values()) {
    argv.push(b.user, b.days.size, b.reservations.length);
    for (const d of b.days.values()) {
      const n = d.members.length;
      argv.push(d.day, n, d.names.length, encodeMembers(d.members, d.memberBytes));
      argv.push(doublesLE(d.records, n * RECORD_DOUBLES), ...d.names, doublesLE(d.sums, d.sums.length));
    }
    argv.push(...b.reservations);
  }
  return { argv, repeated };
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/** True for `<32 hex>-<16 hex>`, the `${traceId}-${spanId}` of a span. */
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
  if (isSpanId(id)) return 25;
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_RAW_ID_BYTES) {
    throw new TypeError(`usage record id longer than ${MAX_RAW_ID_BYTES} bytes: ${id.slice(0, 40)}…`);
  }
  return 1 + bytes;
}

/**
 * Dedupe members, each after a length byte. A span's `${traceId}-${spanId}` becomes 0x00 and its 24 bytes (a third
 * of the memory of the hex text); any other id 0x01 and its UTF-8 bytes. The type byte keeps the two apart.
 */
function encodeMembers(ids: readonly string[], size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  for (const id of ids) {
    if (isSpanId(id)) {
      buf[off++] = 25;
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
