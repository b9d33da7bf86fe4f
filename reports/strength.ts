// The suite's measured power to find faults (`connect-conformance strength`), as the console and the HTML report show
// it. One verdict per variant, computed here once: a broken variant is caught or not; a correct one passes, is wrongly
// failed (a false alarm), or — for a correct operation whose sibling operations deviate (variants/siblings.ts) — is
// not failed but its sibling finding was not reported, which is a miss of the suite, not a false alarm.
// Beside the score, which kinds of valid value (the spec's x-value-classes) the boundary phase sends to each member.
// The data and the verdicts are here; reports/html.ts renders them (strengthSection, classesSection).

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
  /** The kinds of valid value the boundary phase sends to each member, by identity management type. */
  classes?: ClassesCovered;
}

/** The spec's value classes (x-value-classes) and, per member, those the boundary phase sends to it on each type. */
export interface ClassesCovered {
  classes: { name: string; description: string }[];
  /** The identity management types, in the spec's order (the columns). */
  identityManagementTypes: string[];
  members: {
    member: string;
    /** Per type: the classes sent to the member (absent: the type forbids the member). */
    byType: Record<string, string[] | undefined>;
  }[];
}

export type StrengthVerdict = 'caught' | 'NOT caught' | 'false alarm' | 'finding missed' | 'passed';

export function strengthVerdict(v: StrengthVariant): StrengthVerdict {
  if (v.kind !== 'correct') return v.caught ? 'caught' : 'NOT caught';
  if (v.caught) return 'false alarm';
  return v.missed?.length ? 'finding missed' : 'passed';
}

/** Whether the suite did what it must with this variant. */
export const strengthOk = (v: StrengthVariant): boolean => ['caught', 'passed'].includes(strengthVerdict(v));
