// junit.xml: one testcase per requirement, for CI systems. The testsuites are named "OPERATION: area" and carry the
// operation under test as a property (junit.xml files of several operations can sit side by side in one CI run);
// classname is the requirement's area and name is "ID title". A failing MUST or SHOULD is a <failure> carrying its
// evidence (problem, expected, input, request and response, replay); skip and n/a are <skipped> with the reason in
// system-out; OBSERVE requirements never fail (what they saw is in system-out). With a baseline, an expected failure
// is <skipped> (it does not fail the gate), and a stale or expired entry is a <failure>. One more testcase,
// "verdict: HEADLINE" in the suite "OPERATION: run", states the run's verdict (reports/verdict.ts judged): it fails
// exactly when the exit code is not 0, with the reasons. XML is written by junit-report-builder (xmlbuilder), never
// by hand.
import junitModule, { type Builder, type TestSuite } from 'junit-report-builder';
import { failureBlock } from './evidence.ts';
import type { RequirementResult, Results } from '../engine/results.ts';
import { redactResults } from './sanitize.ts';
import { judged, type BaselineInput } from './verdict.ts';
import { seedShown } from '../engine/options.ts';
import type { BaselineView } from '../engine/results.ts';

// The package's types declare `export default builder`, its CommonJS entry sets `module.exports = builder`: under
// Node's ESM loader the default import is the builder itself.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

export interface JunitExtra {
  /** The baseline to judge the run against (default: the one the results were judged against before, if any). */
  baseline?: BaselineInput;
  secrets?: readonly string[];
}

// xmlbuilder 15 splits only the first "]]>" of a CDATA section, so a second one would end it early and break the
// document. Evidence text is therefore handed over with "]]>" written "]]&gt;" (it is a summary for people;
// results.json keeps the exact bytes).
const cdataSafe = (s: string) => s.split(']]>').join(']]&gt;');

const oneLine = (s: string, max = 300) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function caseOf(suite: TestSuite, r: RequirementResult, view?: BaselineView): void {
  const tc = suite.testCase().className(r.area).name(`${r.id} ${r.title}`);
  tc.property('level', r.level).property('status', r.status).property('cases', String(r.cases));
  const mark = view?.marks[r.id];
  if (mark) tc.property('baseline', mark.state);
  const notes: string[] = [];
  if (r.observed?.length) notes.push(`observed: ${r.observed.join(' | ')}`);
  if (mark) notes.push(`baseline (${mark.state}): ${mark.note}${mark.entry.link ? ` ${mark.entry.link}` : ''}`);

  if (mark?.failsGate) {
    const message =
      mark.state === 'stale'
        ? `stale baseline entry: ${r.id} passes now`
        : `expired baseline entry (${mark.entry.expires}): ${oneLine(r.failures[0]?.problem ?? r.id)}`;
    tc.failure(message, `baseline-${mark.state}`).stacktrace(
      cdataSafe([mark.note, r.status === 'fail' ? failureBlock(r) : ''].filter(Boolean).join('\n\n')),
    );
  } else if (r.status === 'error') {
    // A step that was to check it did not finish: never a pass, and not a failure of the target either.
    const steps = (r.errors ?? []).map((e) => `${e.stepId}: ${e.message}`).join('\n');
    tc.error(oneLine(`not checked: ${r.reason ?? 'a step did not finish'}`), 'step-error', cdataSafe(steps || (r.reason ?? '')));
  } else if (r.status === 'fail' && r.level !== 'OBSERVE' && mark?.state !== 'expected-failure') {
    const first = r.failures[0]?.problem ?? 'failed (no evidence kept)';
    tc.failure(oneLine(`${r.failureCount > 1 ? `${r.failureCount} failing cases; first: ` : ''}${first}`), r.level).stacktrace(
      cdataSafe(failureBlock(r)),
    );
  } else if (r.status === 'fail') {
    // an expected failure of the baseline, or an OBSERVE requirement (never a failure)
    if (mark?.state === 'expected-failure') tc.skipped();
    notes.push(failureBlock(r));
  } else if (r.status === 'skip' || r.status === 'n/a') {
    tc.skipped();
    notes.unshift(`${r.status === 'skip' ? 'skipped' : 'not applicable'}: ${r.reason ?? 'no reason given'}`);
  }
  if (notes.length) tc.standardOutput(cdataSafe(notes.join('\n')));
}

/** The JUnit XML of one run: a testsuite per area (named with the operation), a testcase per requirement. */
export function renderJunit(results: Results, extra: JunitExtra = {}): string {
  const r = redactResults(judged(results, extra.baseline), extra.secrets ?? []);
  const view = r.baseline;
  const builder = junit.newBuilder().name(`connect-conformance ${r.operation} against ${r.target.kind} ${r.target.endpoint}`);
  const areas: string[] = [];
  for (const q of r.requirements) if (!areas.includes(q.area)) areas.push(q.area);
  for (const area of areas) {
    const suite = builder
      .testSuite()
      .name(`${r.operation}: ${area}`)
      .timestamp(r.startedAt.replace(/\.\d+Z$/, '').replace(/Z$/, ''))
      .property('operation', r.operation)
      .property('target', `${r.target.kind} ${r.target.endpoint}`)
      .property('identity-management-types', r.target.identityManagementTypes.join(','))
      .property('seed', seedShown(r))
      .property('model', `botocore ${r.spec.model.botocore}`)
      .property('sdk', r.tool.sdk)
      .property('suite', `${r.tool.name} ${r.tool.version}${r.tool.commit ? ` ${r.tool.commit}` : ''}`);
    for (const q of r.requirements.filter((x) => x.area === area)) caseOf(suite, q, view);
  }
  // The run as a whole: its verdict is a testcase of its own, failing exactly when the exit code is not 0.
  const { summary } = r;
  const run = builder
    .testSuite()
    .name(`${r.operation}: run`)
    .property('operation', r.operation)
    .property('verdict', summary.verdict)
    .property('headline', summary.headline);
  if (view) run.property('baseline', view.file || '(in memory)');
  const tc = run.testCase().className('run').name(`verdict: ${summary.headline}`);
  if (!summary.passed)
    tc.failure(oneLine(summary.reasons[0] ?? summary.headline), summary.verdict).stacktrace(cdataSafe(summary.reasons.join('\n')));
  return `${builder.build()}\n`;
}
