// Small numeric helpers of the benchmark: medians over repeated rounds, ratios, rounding, bytes to MB.
// Pure functions (tested in test/bench.test.ts); nothing here reads a clock.

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Relative spread of a list: (max - min) / median, a rough noise indicator for the table. */
export function spread(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

/** `value` rounded to `digits` decimals. */
export const round = (value: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Bytes to MiB (what the table and results.json call MB). */
export const mb = (bytes: number): number => bytes / (1024 * 1024);

/** A ratio, guarded: 0 when the denominator is not positive. */
export const ratio = (value: number, floor: number): number => (floor > 0 ? value / floor : 0);

/** Cases per second for `count` cases in `ms` milliseconds. */
export const perSecond = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : 0);
