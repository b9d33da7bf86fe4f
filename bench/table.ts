// Plain-text tables for the terminal: columns padded to their widest cell, columns of numbers right-aligned.

export type Cell = string | number;

const isNumeric = (c: Cell) => typeof c === 'number' || /^[-+]?[\d.,]+( ?[×%a-zA-Zµ/]+)?$/.test(c);

/** Formats a number with `digits` decimals and thousands separators. */
export const num = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function table(title: string, headers: string[], rows: Cell[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const pad = (text: string, i: number, right: boolean) => {
    const gap = ' '.repeat(widths[i]! - [...text].length);
    return right ? gap + text : text + gap;
  };
  // A column whose every cell is a number is right-aligned, its header too; the first column never is.
  const numeric = headers.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => r[i] === undefined || isNumeric(r[i]!)));
  const line = (r: Cell[]) =>
    r
      .map((c, i) => pad(String(c), i, numeric[i]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(headers), rule, ...rows.map((r) => line(r))].join('\n');
}
