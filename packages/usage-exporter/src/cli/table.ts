/** Plain-text tables for terminals: columns padded to their widest cell, numbers right-aligned. */

export type Cell = string | number;

export interface Column {
  header: string;
  /** Default: right for numbers, left otherwise (decided per column from its first value). */
  align?: 'left' | 'right';
}

export function formatTable(columns: (Column | string)[], rows: Cell[][]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const text = rows.map((row) => cols.map((_, i) => cellText(row[i])));
  const widths = cols.map((c, i) => Math.max(width(c.header), ...text.map((r) => width(r[i]!))));
  const aligns = cols.map((c, i) => c.align ?? (typeof rows[0]?.[i] === 'number' ? 'right' : 'left'));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (aligns[i] === 'right' ? padStart(cell, widths[i]!) : padEnd(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...text.map((r) => line(r))].join(
    '\n',
  );
}

function cellText(v: Cell | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  // Control characters from stored data must not move the cursor or recolour the terminal.
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || (c >= 0x7f && c < 0xa0) ? '?' : ch;
  }
  return out;
}

/** Integers with thousands separators; fractions kept as given. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return String(n);
}

/** USD with enough decimals for sub-cent costs (`$0.000123`), two for larger amounts. */
export function formatUsd(n: number): string {
  if (n === 0) return '$0.00';
  const abs = Math.abs(n);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return `${n < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

function width(s: string): number {
  // Code points, not UTF-16 units, so non-ASCII user ids do not skew the columns.
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}
