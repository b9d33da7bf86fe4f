// The suite's measured power to find faults (`connect-conformance strength`), as the console and the HTML report show
// it. One verdict per variant, computed here once: a broken variant is caught or not; a correct one passes, is wrongly
// failed (a false alarm), or — for a correct operation whose sibling operations deviate (variants/siblings.ts) — is
// not failed but its sibling finding was not reported, which is a miss of the suite, not a false alarm.

export interface StrengthVariant {
  name: string;
  kind?: 'broken' | 'correct';
  /** Broken: caught. Correct: wrongly failed (a false alarm). */
  caught: boolean;
  /** Correct with sibling deviations: the FX- findings its run did not report. */
  missed?: string[];
  by?: string[];
  requests?: number;
  ms?: number;
  summary?: string;
}

/** The suite's measured power to find faults (broken variants of the reference it catches), when known. */
export interface Strength {
  /** Broken variants caught, of all broken variants. */
  caught: number;
  total: number;
  /** Correct-but-different variants the suite wrongly failed, of all correct variants. */
  falseAlarms?: number;
  correctTotal?: number;
  /** Sibling findings (FX-) the suite did not report, over the correct variants that declare some. */
  missedFindings?: number;
  note?: string;
  variants?: StrengthVariant[];
}

export type StrengthVerdict = 'caught' | 'NOT caught' | 'false alarm' | 'finding missed' | 'passed';

export function strengthVerdict(v: StrengthVariant): StrengthVerdict {
  if (v.kind !== 'correct') return v.caught ? 'caught' : 'NOT caught';
  if (v.caught) return 'false alarm';
  return v.missed?.length ? 'finding missed' : 'passed';
}

/** Whether the suite did what it must with this variant. */
export const strengthOk = (v: StrengthVariant): boolean => ['caught', 'passed'].includes(strengthVerdict(v));
