// Encodes records into the arguments of lua/record-batch-1.lua (its header documents the layout): per user and day,
// the records' dedupe members and the sums of their counters per combo of provider, model and agent. With the sums
// the script applies a batch of new records with a fixed handful of commands per user instead of a few per record.
// A batch holding records applied before is refused whole by the script and sent again without them.
import { endianness } from 'node:os';
import { cycleAt, dayId } from './cycle.js';
import { type RecordEntry } from './internal-types.js';
import { comboField, COUNTER_FIELDS, userBaseKey } from './keys.js';
import { type UsageRecord } from './types.js';

const COUNTERS = COUNTER_FIELDS.length;
const DAY_MS = 86_400_000;
/** Longest record id in bytes (UTF-8): a dedupe member is a length byte, a type byte and the id. */
export const MAX_RECORD_ID_BYTES = 253;
const SPAN_MEMBER_BYTES = 25;
const LITTLE_ENDIAN = endianness() === 'LE';
const NO_ENTRIES: ReadonlySet<number> = new Set();

interface DayBlock {
  day: string;
  /** Start of the day, ms. */
  start: number;
  ids: string[];
  /** Entry index of each id. */
  entries: number[];
  idBytes: number;
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

/** A group of records for one script call. */
export interface EncodedBatch {
  argv: (string | number | Buffer)[];
  /** The entry index of each record the script sees, in its order (the script reports duplicates by position). */
  order: number[];
  /** Entries whose id appeared earlier in the same group (for the same user): duplicates. */
  repeated: number[];
  /** False when there is nothing for the script to do. */
  work: boolean;
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

/**
 * Encodes one group of records (all in one hash slot) for one script call. Entries in `dropped` (known duplicates)
 * only release their reservation.
 */
export function encodeBatch(
  entries: readonly RecordEntry[],
  s: BatchSettings,
  dropped: ReadonlySet<number> = NO_ENTRIES,
): EncodedBatch {
  const users = new Map<string, UserBlock>();
  const repeated: number[] = [];
  let reservations = 0;
  let dayStart = NaN;
  let dayName = '';
  for (let e = 0; e < entries.length; e++) {
    const { record: r, reservationId } = entries[e]!;
    const user = s.userOf(r);
    let block = users.get(user);
    if (!block) {
      block = { base: userBaseKey(s.prefix, user), ids: new Set(), days: new Map(), reservations: [] };
      users.set(user, block);
    }
    if (reservationId) {
      block.reservations.push(reservationId);
      reservations++;
    }
    if (dropped.has(e)) continue;
    if (block.ids.has(r.id)) {
      repeated.push(e);
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
        entries: [],
        idBytes: 0,
        totals: new Array<number>(COUNTERS).fill(0),
        combos: new Map(),
        names: [],
        sums: [],
      };
      block.days.set(dayName, day);
    }
    day.ids.push(r.id);
    day.entries.push(e);
    day.idBytes += r.id.length === 49 ? 1 + SPAN_MEMBER_BYTES : 2 + 3 * r.id.length;
    const combo = comboOf(providerOf(r), modelOf(r), r.agentName ?? '');
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

  // The days and combos of the batch, each sent once; a user's day refers to their numbers.
  const dayNumbers = new Map<string, number>();
  const comboNumbers = new Map<string, number>();
  const argv: (string | number | Buffer)[] = [s.dedupeTtlSeconds, s.cycleStartDay, 0];
  for (const b of users.values()) {
    for (const d of b.days.values()) {
      for (const name of d.names) if (!comboNumbers.has(name)) comboNumbers.set(name, comboNumbers.size + 1);
      if (dayNumbers.has(d.day)) continue;
      dayNumbers.set(d.day, dayNumbers.size + 1);
      const end = (d.start + DAY_MS) / 1000;
      const cycle = dayId(cycleAt(d.start, s.cycleStartDay).start.getTime());
      argv.push(d.day, end, s.retentionSeconds > 0 ? end + s.retentionSeconds : 0, cycle);
    }
  }
  argv[2] = dayNumbers.size;
  argv.push(comboNumbers.size);
  for (const name of comboNumbers.keys()) argv.push(name);
  argv.push(users.size);
  const order: number[] = [];
  for (const b of users.values()) {
    argv.push(b.base, b.days.size, b.reservations.length);
    for (const d of b.days.values()) {
      argv.push(dayData(d, dayNumbers.get(d.day)!, comboNumbers), encodeMembers(d.ids, d.idBytes));
      for (const e of d.entries) order.push(e);
    }
    for (const id of b.reservations) argv.push(id);
  }
  return { argv, order, repeated, work: order.length > 0 || reservations > 0 };
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/**
 * Dedupe members, each after a byte holding its length. A span's `${traceId}-${spanId}` (32 and 16 hex digits)
 * becomes 0x00 and its 24 bytes (the hex text is twice as long); any other id 0x01 and its UTF-8 bytes. The type byte
 * keeps the two apart. `capacity` is an upper bound of the encoded size.
 */
function encodeMembers(ids: readonly string[], capacity: number): Buffer {
  let buf = Buffer.allocUnsafe(capacity);
  let off = 0;
  for (const id of ids) {
    if (id.length === 49 && id.charCodeAt(32) === 45) {
      let bad = 0;
      let o = off + 2;
      for (let i = 0; i < 49; i += 2) {
        if (i === 32) i = 33;
        const c1 = id.charCodeAt(i);
        const c2 = id.charCodeAt(i + 1);
        const hi = c1 < 128 ? HEX[c1]! : -1;
        const lo = c2 < 128 ? HEX[c2]! : -1;
        bad |= hi | lo;
        buf[o++] = (hi << 4) | lo;
      }
      if (bad >= 0) {
        buf[off] = SPAN_MEMBER_BYTES;
        buf[off + 1] = 0;
        off = o;
        continue;
      }
    }
    // Room was counted as 26 bytes for any 49-character id: a malformed one may need more.
    if (off + 2 + 3 * id.length > buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length + 2 + 3 * id.length);
      buf.copy(bigger, 0, 0, off);
      buf = bigger;
    }
    const len = buf.write(id, off + 2, 'utf8');
    buf[off] = len + 1;
    buf[off + 1] = 1;
    off += 2 + len;
  }
  return buf.subarray(0, off);
}

/** Day-hash field names by provider, model and agent, so that a batch does not build the same strings again. */
const combos = new Map<string, Map<string, Map<string, string>>>();
let comboCount = 0;
const COMBO_CACHE_LIMIT = 10_000;

function comboOf(provider: string, model: string, agent: string): string {
  let byModel = combos.get(provider);
  if (!byModel) combos.set(provider, (byModel = new Map()));
  let byAgent = byModel.get(model);
  if (!byAgent) byModel.set(model, (byAgent = new Map()));
  let field = byAgent.get(agent);
  if (field === undefined) {
    if (++comboCount > COMBO_CACHE_LIMIT) {
      combos.clear();
      comboCount = 0;
    }
    field = comboField(provider, model, agent);
    byAgent.set(agent, field);
  }
  return field;
}

/** Day number, n, k, the day's totals, then per combo its number and sums, as little-endian doubles. */
function dayData(d: DayBlock, dayNumber: number, comboNumbers: ReadonlyMap<string, number>): Buffer {
  const k = d.names.length;
  const f = new Float64Array(3 + COUNTERS + k * (1 + COUNTERS));
  f[0] = dayNumber;
  f[1] = d.ids.length;
  f[2] = k;
  f.set(d.totals, 3);
  for (let c = 0; c < k; c++) {
    const at = 3 + COUNTERS + c * (1 + COUNTERS);
    f[at] = comboNumbers.get(d.names[c]!)!;
    f.set(d.sums.slice(c * COUNTERS, (c + 1) * COUNTERS), at + 1);
  }
  const buf = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  return LITTLE_ENDIAN ? buf : buf.swap64();
}
