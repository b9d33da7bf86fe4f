// The verdict as every report states it (console, HTML, JUnit), so that they always agree with the exit code: the
// run's verdict, or with a baseline "CONFORMANT with N expected failures" when the gate passes, or what fails it.
import type { Results } from '../engine/results.ts';
import { plainGate, type BaselineView } from './baseline.ts';

export interface VerdictShown {
  /** CONFORMANT, NOT CONFORMANT, INCOMPLETE, NOTHING CHECKED, FIXTURES NOT RESTORED, or CONFORMANT with N expected failures. */
  word: string;
  /** Whether the run passes: the exit code is 0 exactly when this is true. */
  ok: boolean;
  /** Why it does not pass, one line each. */
  reasons: string[];
}

export function verdictShown(results: Pick<Results, 'summary' | 'requirements' | 'fixtures'>, view?: BaselineView): VerdictShown {
  const verdict = results.summary.verdict.toUpperCase();
  if (!view) {
    const gate = plainGate(results as Results);
    return { word: verdict, ok: gate.passed, reasons: gate.reasons };
  }
  const expected = Object.values(view.marks).filter((m) => m.state === 'expected-failure').length;
  if (view.gate.passed) return { word: expected ? `CONFORMANT with ${expected} expected failure${expected > 1 ? 's' : ''}` : verdict, ok: true, reasons: [] };
  return { word: verdict === 'CONFORMANT' || verdict === 'NOT CONFORMANT' ? `${verdict}; the baseline gate fails` : verdict, ok: false, reasons: view.gate.reasons };
}
