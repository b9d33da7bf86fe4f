// One verdict everywhere (issue 19). For every combination of a run's outcome and a baseline — no baseline, a
// baseline that covers the failures, a stale one, an expired entry, a run with errors, a run stopped early, a run
// that checked nothing, fixtures not restored — the run's console and exit code, results.json, the HTML title and
// heading, JUnit's verdict testcase, `report` (as recorded and with --baseline again), `compare`, and `compare
// --merge` with and without --baseline all state the same verdict; the test names the front end that disagrees.
// The runs are real runs of the engine against the embedded reference (a wrapHandler variant for a broken one, a
// crashing one, an interrupted one); the run whose fixtures were not restored is constructed from a real one.
// Then: results.json's schema is shared by the writer and every reader (every status and verdict the tool writes is
// one it reads; a foreign file is one line), and baseline files and report folders are created with their parents.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compare } from '../bin/compare.ts';
import { report } from '../bin/report.ts';
import { concludeRun } from '../bin/run-output.ts';
import { UsageError } from '../core/errors.ts';
import type { WireHandler } from '../core/wire.ts';
import { runConformance } from '../api/run.ts';
import { DEFAULT_BINDING } from '../operations/index.ts';
import {
  BASELINE_STATES,
  RESULTS_SCHEMA_VERSION,
  RUN_VERDICTS,
  STATUSES,
  type BaselineEntry,
  type Results,
  type RunVerdict,
  type Status,
} from '../engine/results.ts';
import { readBaseline, updateBaselineFile } from '../reports/baseline.ts';
import { mergeResults } from '../reports/merge.ts';
import { readResults } from '../reports/read.ts';
import { resultsProblem } from '../reports/results-schema.ts';
import { writeReports } from '../reports/write.ts';
import { defaultSpec, type Spec } from '../spec/index.ts';
import { LEVELS, type Level } from '../spec/types.ts';
import { defaultFixtures } from '../targets/reference/index.ts';
import { stringify } from 'yaml';
import { runBin } from './helpers.ts';

/** The operation every run of this file tests: the default binding's. */
const OPERATION = DEFAULT_BINDING.name;
const FAILING = ['EX-UNKNOWN-INSTANCE', 'EX-UNKNOWN-USER', 'EX-FOREIGN-USER', 'ERR-STATUS-MATCHES-TYPE'];
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `cc-verdicts-${name}-`));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A correct reference that answers 400 where it would answer 404: four MUST failures. */
const answers400: (h: WireHandler) => WireHandler = (h) => async (req) => {
  const r = await h(req);
  return r.statusCode === 404 ? { ...r, statusCode: 400 } : r;
};
/** A handler that throws on an unsigned request: the AUTH-UNSIGNED step does not finish (error). */
const crashesUnsigned: (h: WireHandler) => WireHandler = (h) => async (req) => {
  if (!req.headers.authorization) throw new Error('the handler crashed');
  return h(req);
};

const entries = (ids: string[], extra: Partial<BaselineEntry> = {}): BaselineEntry[] =>
  ids.map((id) => ({ id, reason: `known: ${id}`, ...extra }));

interface Combination {
  name: string;
  run: keyof Runs;
  baseline?: BaselineEntry[];
  verdict: RunVerdict;
  headline: string;
  exit: 0 | 1;
  /** The first reason, when it says something particular. */
  firstReason?: RegExp;
}

interface Runs {
  clean: Results;
  broken: Results;
  errors: Results;
  errorsBroken: Results;
  interrupted: Results;
  nothing: Results;
  unrestored: Results;
}

const COMBINATIONS: Combination[] = [
  { name: 'no baseline, conformant', run: 'clean', verdict: 'conformant', headline: 'CONFORMANT', exit: 0 },
  { name: 'no baseline, MUST failures', run: 'broken', verdict: 'not conformant', headline: 'NOT CONFORMANT', exit: 1 },
  {
    name: 'a baseline that lists every failure (expected failures)',
    run: 'broken',
    baseline: entries(FAILING),
    verdict: 'conformant',
    headline: 'CONFORMANT with 4 expected failures',
    exit: 0,
  },
  {
    name: 'a baseline that lists three of four failures',
    run: 'broken',
    baseline: entries(FAILING.slice(1)),
    verdict: 'not conformant',
    headline: 'NOT CONFORMANT',
    exit: 1,
    firstReason: /^MUST EX-UNKNOWN-INSTANCE fails and is not in /,
  },
  {
    name: 'a stale baseline (a listed requirement passes)',
    run: 'clean',
    baseline: entries(['EX-UNKNOWN-USER']),
    verdict: 'baseline out of date',
    headline: 'BASELINE OUT OF DATE',
    exit: 1,
    firstReason: /^stale baseline: MUST EX-UNKNOWN-USER /,
  },
  {
    name: 'every failure listed, and a stale entry',
    run: 'broken',
    baseline: entries([...FAILING, 'IN-BODY-JSON']),
    verdict: 'baseline out of date',
    headline: 'BASELINE OUT OF DATE',
    exit: 1,
    firstReason: /^stale baseline: MUST IN-BODY-JSON /,
  },
  {
    name: 'an expired entry',
    run: 'broken',
    baseline: [
      ...entries(FAILING.filter((id) => id !== 'EX-UNKNOWN-USER')),
      { id: 'EX-UNKNOWN-USER', reason: 'was known', expires: '2020-01-31' },
    ],
    verdict: 'not conformant',
    headline: 'NOT CONFORMANT',
    exit: 1,
    firstReason: /^expired baseline entry: MUST EX-UNKNOWN-USER the entry expired on 2020-01-31/,
  },
  {
    name: 'no baseline, a requirement not checked (error)',
    run: 'errors',
    verdict: 'incomplete',
    headline: 'INCOMPLETE',
    exit: 1,
    firstReason: /^MUST AUTH-UNSIGNED was not checked: /,
  },
  {
    name: 'errors, with a baseline listing every failure and the requirement not checked',
    run: 'errorsBroken',
    baseline: entries([...FAILING, 'AUTH-UNSIGNED']),
    verdict: 'incomplete',
    headline: 'INCOMPLETE',
    exit: 1,
    firstReason: /^the baseline lists failures only: 1 requirement is error \(not checked\); the run is INCOMPLETE whatever .* lists$/,
  },
  {
    name: 'errors, with a baseline listing SRV-AVAILABLE',
    run: 'errors',
    baseline: entries(['SRV-AVAILABLE', 'AUTH-UNSIGNED']),
    verdict: 'incomplete',
    headline: 'INCOMPLETE',
    exit: 1,
    firstReason: /^the baseline lists failures only/,
  },
  {
    name: 'stopped early after a failure, no baseline',
    run: 'interrupted',
    verdict: 'not conformant',
    headline: 'NOT CONFORMANT',
    exit: 1,
  },
  {
    name: 'stopped early, with a baseline listing every failure (incomplete)',
    run: 'interrupted',
    baseline: entries(FAILING),
    verdict: 'incomplete',
    headline: 'INCOMPLETE',
    exit: 1,
    firstReason: /^the baseline lists failures only: the run stopped before its plan was done/,
  },
  { name: 'nothing checked, no baseline', run: 'nothing', verdict: 'nothing checked', headline: 'NOTHING CHECKED', exit: 1 },
  {
    name: 'nothing checked, with a baseline',
    run: 'nothing',
    baseline: entries(FAILING),
    verdict: 'nothing checked',
    headline: 'NOTHING CHECKED',
    exit: 1,
    firstReason: /^the baseline lists failures only: .*no MUST requirement was checked/,
  },
  {
    name: 'fixtures not restored, no baseline',
    run: 'unrestored',
    verdict: 'fixtures not restored',
    headline: 'FIXTURES NOT RESTORED',
    exit: 1,
  },
  {
    name: 'fixtures not restored, with a baseline listing every failure',
    run: 'unrestored',
    baseline: entries(FAILING),
    verdict: 'fixtures not restored',
    headline: 'FIXTURES NOT RESTORED',
    exit: 1,
    firstReason: /^the baseline lists failures only: 1 fixture user not restored/,
  },
];

let spec: Spec;
const runs = {} as Runs;

beforeAll(async () => {
  spec = await defaultSpec();
  const base = { identityManagementType: 'CONNECT_MANAGED', seed: 7, runs: 2, readBackWindowMs: 300 } as const;
  const interrupt = new AbortController();
  const nothing = new AbortController();
  nothing.abort('test');
  [runs.clean, runs.broken, runs.errors, runs.errorsBroken, runs.interrupted, runs.nothing] = await Promise.all([
    runConformance({ ...base }),
    runConformance({ ...base, wrapHandler: answers400 }),
    runConformance({ ...base, wrapHandler: crashesUnsigned }),
    runConformance({ ...base, wrapHandler: (h) => crashesUnsigned(answers400(h)) }),
    // Stopped at the first failure: a run that stopped before its plan was done, with a failure in it.
    runConformance({
      ...base,
      wrapHandler: answers400,
      signal: interrupt.signal,
      onEvent: (e) => e.type === 'verdict' && interrupt.abort('stopped by the test'),
    }),
    runConformance({ ...base, signal: nothing.signal }),
  ]);
  // A restore that failed: constructed from the broken run (a real run that leaves a fixture changed needs a target
  // that refuses the restore; the verdict layer only reads the note).
  runs.unrestored = clone(runs.broken);
  runs.unrestored.fixtures = [{ userId: 'u-fixture', restored: false, note: 'the restore was refused' }, ...runs.unrestored.fixtures];
}, 120_000);

/** Console output captured from the front ends run in this process. */
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  const keep = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(console, 'error').mockImplementation(keep);
});
afterEach(() => vi.restoreAllMocks());

const take = () => {
  const text = printed.join('\n');
  printed = [];
  return text;
};

/** The headline of the one verdict line a command printed ("HEADLINE (OPERATION): MUST n/m passed; ..."), which
 * names the operation under test (`operation`, default UpdateUserIdentityInfo). */
function printedHeadline(text: string, operation = OPERATION): string {
  const lines = text.split('\n').filter((l) => /^[A-Z][A-Za-z0-9 ]* \(\w+\): MUST \d+\/\d+ passed/.test(l));
  expect(lines, text).toHaveLength(1);
  const line = lines[0]!;
  expect(line.slice(line.indexOf(' ('), line.indexOf(': MUST ')), line).toBe(` (${operation})`);
  return line.slice(0, line.indexOf(' ('));
}

/** The HTML title's headline; the title names the operation under test after it. */
function htmlTitle(html: string, operation = OPERATION): string | undefined {
  const m = /<title>connect-conformance: (.+?) — (\w+) against /.exec(html);
  expect(m?.[2], 'the operation in the HTML title').toBe(operation);
  return m?.[1];
}
const htmlHeading = (html: string) => /<div class="verdict-word">(.+?)<\/div>/.exec(html)?.[1];
const htmlOk = (html: string) => /<div class="verdict (v-ok|v-bad)" id="verdict">/.exec(html)?.[1] === 'v-ok';
/** JUnit's verdict testcase: its name's headline, and whether it fails. */
function junitVerdict(xml: string): { headline?: string; fails: boolean } {
  const m = /<testcase classname="run" name="verdict: ([^"]+)"(?:\/>|>([\s\S]*?)<\/testcase>)/.exec(xml);
  return { headline: m?.[1], fails: /<failure/.test(m?.[2] ?? '') };
}
const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Results;

describe('one verdict everywhere', () => {
  it.each(COMBINATIONS)('$name: $headline, exit $exit', async (c) => {
    const dir = tmp('case');
    const results = clone(runs[c.run]);
    // The baseline as a file, read as the commands read it; with no baseline, an empty one for `--merge --baseline`.
    const emptyBaseline = join(dir, 'empty-baseline.yaml');
    writeFileSync(emptyBaseline, '[]\n');
    const baselinePath = c.baseline ? join(dir, 'baseline.yaml') : undefined;
    if (c.baseline) writeFileSync(baselinePath!, stringify(c.baseline));

    // run: what bin/run.ts does after the engine (the baseline, the reports, the console, the exit code)
    const out = join(dir, 'run');
    const concluded = concludeRun(spec, results, out, { file: baselinePath, update: false });
    const runText = take();
    const said: Record<string, string | undefined> = {};
    const exits: Record<string, number> = {};
    said['run: console'] = printedHeadline(runText);
    exits['run: exit code'] = concluded.code;
    const written = json(out);
    said['results.json summary.headline'] = written.summary.headline;
    expect(written.summary.verdict, 'results.json summary.verdict').toBe(c.verdict);
    expect(written.summary.passed, 'results.json summary.passed').toBe(c.exit === 0);
    expect(resultsProblem(written), 'results.json matches its schema').toBeUndefined();
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    said['HTML title'] = htmlTitle(html);
    said['HTML heading'] = htmlHeading(html);
    exits['HTML colour (0 green, 1 red)'] = htmlOk(html) ? 0 : 1;
    const junit = junitVerdict(readFileSync(join(out, 'junit.xml'), 'utf8'));
    said['JUnit verdict testcase'] = junit.headline;
    exits['JUnit verdict testcase (0 passes, 1 fails)'] = junit.fails ? 1 : 0;

    // report: re-rendered from results.json alone (the verdict as recorded), and with --baseline given again
    expect(await report([out, '--out', join(dir, 'report')])).toBe(0);
    said['report: console'] = printedHeadline(take());
    said['report: HTML title'] = htmlTitle(readFileSync(join(dir, 'report', 'index.html'), 'utf8'));
    said['report: results.json'] = json(join(dir, 'report')).summary.headline;
    if (baselinePath) {
      expect(await report([out, '--out', join(dir, 'report-baseline'), '--baseline', baselinePath])).toBe(0);
      said['report --baseline: console'] = printedHeadline(take());
      said['report --baseline: JUnit'] = junitVerdict(readFileSync(join(dir, 'report-baseline', 'junit.xml'), 'utf8')).headline;
    }

    // compare: the column's verdict, on the console and on the page
    expect(await compare([join(out, 'results.json'), '--out', join(dir, 'compare')])).toBe(0);
    said['compare: console'] = /^ {2}1\. run: (.+)$/m.exec(take())?.[1];
    said['compare: page'] = /<div class="v-(?:ok|bad) verdict" data-verdict="[^"]*">([^<]+)<\/div>/.exec(
      readFileSync(join(dir, 'compare', 'index.html'), 'utf8'),
    )?.[1];

    // compare --merge without --baseline (the baseline the run was judged against carries over) and with it
    exits['compare --merge: exit code'] = await compare(['--merge', join(out, 'results.json'), '--out', join(dir, 'merged')]);
    said['compare --merge: console'] = printedHeadline(take());
    said['compare --merge: results.json'] = json(join(dir, 'merged')).summary.headline;
    said['compare --merge: HTML title'] = htmlTitle(readFileSync(join(dir, 'merged', 'index.html'), 'utf8'));
    exits['compare --merge --baseline: exit code'] = await compare([
      '--merge',
      join(out, 'results.json'),
      '--out',
      join(dir, 'merged-baseline'),
      '--baseline',
      baselinePath ?? emptyBaseline,
    ]);
    said['compare --merge --baseline: console'] = printedHeadline(take());
    said['compare --merge --baseline: JUnit'] = junitVerdict(readFileSync(join(dir, 'merged-baseline', 'junit.xml'), 'utf8')).headline;

    // Every front end states the headline; every exit code (and what stands for one) is the combination's.
    expect(said).toEqual(Object.fromEntries(Object.keys(said).map((k) => [k, c.headline])));
    expect(exits).toEqual(Object.fromEntries(Object.keys(exits).map((k) => [k, c.exit])));

    // Why: a run that does not pass says why, first what a baseline cannot hide; one that passes gives no reason.
    if (c.exit === 0) expect(written.summary.reasons).toEqual([]);
    else expect(written.summary.reasons.length).toBeGreaterThan(0);
    if (c.firstReason) expect(written.summary.reasons[0]).toMatch(c.firstReason);
    for (const reason of written.summary.reasons) expect(runText).toContain(`  ${reason}`);

    // The facts stay: the baseline marks requirements, it changes no status.
    expect(written.requirements.map((r) => [r.id, r.status])).toEqual(runs[c.run].requirements.map((r) => [r.id, r.status]));
    expect(written.summary.must).toEqual(runs[c.run].summary.must);

    // Expected failures print as XFAIL, never as FAIL, and are no JUnit failure; other MUST failures print as FAIL.
    const xml = readFileSync(join(out, 'junit.xml'), 'utf8');
    for (const r of written.requirements.filter((q) => q.status === 'fail' && q.level === 'MUST')) {
      const expected = written.baseline?.marks[r.id]?.state === 'expected-failure';
      expect(runText, r.id).toMatch(new RegExp(`^${expected ? 'XFAIL' : 'FAIL '} MUST +${r.id} `, 'm'));
      expect(runText, r.id).not.toMatch(new RegExp(`^${expected ? 'FAIL ' : 'XFAIL'} MUST +${r.id} `, 'm'));
      const testcase = new RegExp(`<testcase classname="[^"]*" name="${r.id} [^"]*"[^>]*>[\\s\\S]*?</testcase>`).exec(xml)?.[0] ?? '';
      expect(/<failure/.test(testcase), `${r.id} in junit.xml`).toBe(!expected);
    }
    if (c.headline.includes('expected failure'))
      expect(runText).toMatch(
        /^XFAIL MUST +EX-UNKNOWN-USER .*\n {6}expected failure: known: EX-UNKNOWN-USER \(baseline .*baseline\.yaml\)$/m,
      );
  });

  it('covers every verdict, and every status the tool writes', () => {
    expect(new Set(COMBINATIONS.map((c) => c.verdict))).toEqual(new Set(RUN_VERDICTS));
    const statuses = new Set((Object.values(runs) as Results[]).flatMap((r) => r.requirements.map((q) => q.status)));
    expect(statuses).toEqual(new Set(STATUSES));
  });

  it('shards judged against one baseline merge with it; shards judged against different ones need --baseline', async () => {
    const dir = tmp('shards');
    const base = join(dir, 'baseline.yaml');
    writeFileSync(base, FAILING.map((id) => `- id: ${id}\n  reason: known`).join('\n'));
    const shard = (i: number, file: string) => {
      const r = clone(runs.broken);
      r.shard = `${i}/2`;
      return concludeRun(spec, r, join(dir, `shard-${i}-${file === base ? 'a' : 'b'}`), { file, update: false }).written.results;
    };
    const [a1, a2] = [shard(1, base), shard(2, base)];
    take();
    expect(await compare(['--merge', a1, a2, '--out', join(dir, 'merged')])).toBe(0);
    expect(printedHeadline(take())).toBe('CONFORMANT with 4 expected failures');
    const other = join(dir, 'other.yaml');
    writeFileSync(other, '- id: EX-UNKNOWN-USER\n  reason: known\n');
    const b2 = shard(2, other);
    take();
    await expect(compare(['--merge', a1, b2, '--out', join(dir, 'm2')])).rejects.toThrow(
      /judged against different baselines .*--baseline FILE/,
    );
    expect(await compare(['--merge', a1, b2, '--out', join(dir, 'm2'), '--baseline', base])).toBe(0);
  });
});

describe('results.json has one schema, for its writer and every reader', () => {
  const foreign = (mutate: (r: Results & Record<string, unknown>) => void) => {
    const dir = tmp('foreign');
    const r = clone(runs.errors) as Results & Record<string, unknown>;
    mutate(r);
    writeFileSync(join(dir, 'results.json'), JSON.stringify(r));
    return join(dir, 'results.json');
  };

  it.each([
    [
      'a status the tool does not write',
      (r: Results) => void ((r.requirements[0] as { status: string }).status = 'flaky'),
      /requirements\[0\] \(IN-BODY-JSON\)\.status is "flaky", not one of "pass", "fail", "error", "skip", "n\/a"/,
    ],
    [
      'a verdict the tool does not write',
      (r: Results) => void ((r.summary as { verdict: string }).verdict = 'mostly fine'),
      /summary\.verdict is "mostly fine", not one of/,
    ],
    ['a member the schema does not name', (r: Results & Record<string, unknown>) => void (r.surprise = 1), /unknown member "surprise"/],
    ['a newer schemaVersion', (r: Results) => void (r.schemaVersion = 99), /written by a newer connect-conformance \(schemaVersion 99/],
    [
      'a summary without its headline',
      (r: Results) => void delete (r.summary as Partial<Results['summary']>).headline,
      /summary: "headline" is missing/,
    ],
  ])('%s is one line (exit 2) from report, compare and compare --merge', async (_name, mutate, message) => {
    const file = foreign(mutate);
    for (const attempt of [() => report([file]), () => compare([file]), () => compare(['--merge', file, '--out', tmp('m')])]) {
      const e = await attempt().catch((x: Error) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).toContain('not a results.json of connect-conformance');
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('reads a results.json written before the verdict was recorded in full, and states its verdict with its baseline', () => {
    const dir = tmp('old');
    const old = clone(runs.broken) as Results & Record<string, unknown>;
    delete old.schemaVersion;
    delete (old as Partial<Results>).operation;
    const { headline: _h, passed: _p, reasons: _r, expectedFailures: _e, ...summary } = old.summary;
    // as the tool wrote it then: the un-gated verdict in the summary, the gate beside the marks
    old.summary = { ...summary, verdict: 'not conformant' } as Results['summary'];
    const marks = Object.fromEntries(
      FAILING.map((id) => [
        id,
        { state: 'expected-failure', entry: { id, reason: 'known' }, note: 'expected failure: known', failsGate: false },
      ]),
    );
    old.baseline = { file: 'ci/baseline.yaml', today: '2026-01-15', marks, gate: { passed: true, reasons: [] } } as Results['baseline'];
    expect(resultsProblem(old)).toBeUndefined();
    writeFileSync(join(dir, 'results.json'), JSON.stringify(old));
    const read = readResults(join(dir, 'results.json'));
    expect(read.summary).toMatchObject({ verdict: 'conformant', headline: 'CONFORMANT with 4 expected failures', passed: true });
    expect(read.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    expect(read.operation).toBe(OPERATION);
    expect(read.baseline).toEqual({ file: 'ci/baseline.yaml', today: '2026-01-15', marks });
  });

  it('the writer refuses to write a results.json that does not match (a bug is an error, not a file)', () => {
    const dir = join(tmp('writer'), 'out');
    const bad = clone(runs.clean);
    (bad.requirements[3] as { status: string }).status = 'maybe';
    expect(() => writeReports(dir, bad)).toThrow(
      /the results\.json about to be written does not match its schema .*requirements\[3\].*"maybe".*Nothing was written/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('admits exactly the statuses, verdicts, levels and baseline states the types list (one list each, beside its type)', () => {
    const allowed = (list: readonly string[]) => `not one of ${list.map((v) => JSON.stringify(v)).join(', ')}`;
    const marked = (state: string) => {
      const r = clone(runs.broken);
      r.baseline = {
        file: 'b.yaml',
        today: '2026-01-01',
        marks: { [FAILING[0]!]: { state, entry: { id: FAILING[0]!, reason: 'r' }, note: 'n', failsGate: false } },
      } as Results['baseline'];
      return r;
    };
    const lists: [string, readonly string[], (value: string) => Results][] = [
      ['status', STATUSES, (v) => ({ ...clone(runs.clean), requirements: [{ ...runs.clean.requirements[0]!, status: v as Status }] })],
      ['verdict', RUN_VERDICTS, (v) => ({ ...clone(runs.clean), summary: { ...runs.clean.summary, verdict: v as RunVerdict } })],
      ['level', LEVELS, (v) => ({ ...clone(runs.clean), requirements: [{ ...runs.clean.requirements[0]!, level: v as Level }] })],
      ['baseline state', BASELINE_STATES, marked],
    ];
    for (const [what, list, withValue] of lists) {
      for (const value of list) expect(resultsProblem(withValue(value)), `${what} ${value}`).toBeUndefined();
      expect(resultsProblem(withValue('something else')), what).toContain(allowed(list));
    }
  });

  it('every results.json the tool writes is one every reader reads (all five statuses and six verdicts: above)', async () => {
    for (const r of Object.values(runs) as Results[]) expect(resultsProblem(r)).toBeUndefined();
    expect(resultsProblem(runs.errors.requirements)).toBe('not a JSON object');
  });
});

describe('every report names the operation under test', () => {
  /** A results.json as the given operation's run would write it (the facts of a real run, named for it). */
  const as = (operation: string, r: Results = runs.clean): Results => {
    const c = clone(r);
    c.operation = operation;
    c.spec.operation = operation;
    return c;
  };
  /** results.json as a tool before schemaVersion 3 wrote it: without the operation. */
  const older = (r: Results): Results => {
    const c = clone(r) as Partial<Results>;
    delete c.operation;
    c.schemaVersion = 2;
    return c as Results;
  };
  const testsuites = (xml: string) => [...xml.matchAll(/<testsuite name="([^"]+)"[^>]*>\s*<properties>([\s\S]*?)<\/properties>/g)];

  it("results.json names the binding's operation, and its schema requires it (and that it agrees with the spec)", () => {
    for (const r of Object.values(runs) as Results[]) {
      expect(r.operation).toBe(DEFAULT_BINDING.name);
      expect(r.spec.operation).toBe(r.operation);
      expect(r.schemaVersion).toBe(3);
    }
    const missing = clone(runs.clean) as Partial<Results>;
    delete missing.operation;
    expect(resultsProblem(missing)).toBe('"operation" is missing');
    expect(resultsProblem({ ...clone(runs.clean), operation: '' })).toMatch(/^operation must NOT have fewer than 1 characters/);
    expect(resultsProblem({ ...clone(runs.clean), operation: 'UpdateUserPhoneConfig' })).toBe(
      'operation is "UpdateUserPhoneConfig" but spec.operation is "UpdateUserIdentityInfo": one run tests one operation',
    );
  });

  it("the console's verdict line, the HTML title and heading, and the JUnit testsuites name it (whichever it is)", () => {
    for (const operation of [OPERATION, 'UpdateUserPhoneConfig']) {
      const dir = tmp('named');
      const concluded = concludeRun(spec, as(operation), dir, { update: false });
      expect(printedHeadline(take(), operation)).toBe('CONFORMANT');
      expect(json(dir).operation).toBe(operation);
      expect(concluded.results.operation).toBe(operation);
      const html = readFileSync(join(dir, 'index.html'), 'utf8');
      expect(htmlTitle(html, operation)).toBe('CONFORMANT');
      expect(html).toContain(`<h1 id="operation" data-operation="${operation}">${operation} conformance report `);
      expect(html).toContain(`<dt>Operation</dt><dd><code>${operation}</code> from `);
      const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
      expect(xml).toMatch(new RegExp(`<testsuites name="connect-conformance ${operation} against reference `));
      const suites = testsuites(xml);
      const areas = [...new Set(runs.clean.requirements.map((r) => r.area))];
      expect(suites.map((m) => m[1])).toEqual([...areas.map((a) => `${operation}: ${a}`), `${operation}: run`]);
      for (const m of suites) expect(m[2], m[1]).toContain(`<property name="operation" value="${operation}"/>`);
    }
  });

  it('an older results.json without it reads as UpdateUserIdentityInfo: report, compare, compare --merge, --update-baseline', async () => {
    const dir = tmp('older');
    const file = join(dir, 'old', 'results.json');
    const old = older(runs.broken);
    expect(resultsProblem(old)).toBeUndefined();
    mkdirSync(join(dir, 'old'));
    writeFileSync(file, JSON.stringify(old));
    expect(readResults(file).operation).toBe('UpdateUserIdentityInfo');

    expect(await report([file, '--out', join(dir, 'report')])).toBe(0);
    expect(printedHeadline(take(), 'UpdateUserIdentityInfo')).toBe('NOT CONFORMANT');
    expect(json(join(dir, 'report'))).toMatchObject({ schemaVersion: RESULTS_SCHEMA_VERSION, operation: 'UpdateUserIdentityInfo' });
    expect(htmlTitle(readFileSync(join(dir, 'report', 'index.html'), 'utf8'), 'UpdateUserIdentityInfo')).toBe('NOT CONFORMANT');

    // beside a new one of the same operation: compared, and merged as two shards of one run
    const current = concludeRun(spec, clone(runs.broken), join(dir, 'new'), { update: false }).written.results;
    take();
    expect(await compare([file, current, '--out', join(dir, 'compare')])).toBe(0);
    expect(take()).toMatch(/^connect-conformance compare: 2 runs of UpdateUserIdentityInfo, \d+ requirements; /);
    const page = readFileSync(join(dir, 'compare', 'index.html'), 'utf8');
    expect(page).toContain('<title>connect-conformance comparison of 2 runs of UpdateUserIdentityInfo</title>');
    expect(page).toContain('<h1>UpdateUserIdentityInfo conformance comparison ');
    const shards = [older({ ...clone(runs.broken), shard: '1/2' }), { ...clone(runs.broken), shard: '2/2' }];
    const shardFiles = shards.map((r, i) => {
      const f = join(dir, `shard-${i + 1}.json`);
      writeFileSync(f, JSON.stringify(r));
      return f;
    });
    expect(await compare(['--merge', ...shardFiles, '--out', join(dir, 'merged')])).toBe(1);
    expect(printedHeadline(take(), 'UpdateUserIdentityInfo')).toBe('NOT CONFORMANT');
    expect(json(join(dir, 'merged')).operation).toBe('UpdateUserIdentityInfo');
    expect(mergeResults(shards.map((r) => clone(r)).reverse()).operation).toBe('UpdateUserIdentityInfo');

    // a baseline written from an older run says which operation's run it was written from
    const baseline = join(dir, 'baseline.yaml');
    updateBaselineFile(baseline, readResults(file));
    expect(readFileSync(baseline, 'utf8')).toMatch(/^# Written by --update-baseline from a run of UpdateUserIdentityInfo against /m);
  });

  it('merging or comparing runs of different operations is one line, exit 2', async () => {
    const dir = tmp('mixed');
    const write = (name: string, r: Results) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'results.json'), JSON.stringify(r));
      return join(dir, name, 'results.json');
    };
    const identity = write('identity', { ...clone(runs.clean), shard: '1/2' });
    const phone = write('phone', { ...as('UpdateUserPhoneConfig'), shard: '2/2' });
    const olderIdentity = write('older', older({ ...clone(runs.clean), shard: '1/2' }));
    for (const first of [identity, olderIdentity]) {
      const merge = await compare(['--merge', first, phone, '--out', join(dir, 'm')]).catch((e: Error) => e);
      expect(merge).toBeInstanceOf(UsageError);
      expect((merge as Error).message).toBe(
        'compare --merge: the results are of different operations (UpdateUserIdentityInfo in the first, UpdateUserPhoneConfig in result 2); merge the shards of one run',
      );
      const side = await compare([first, phone, '--out', join(dir, 'c')]).catch((e: Error) => e);
      expect(side).toBeInstanceOf(UsageError);
      expect((side as Error).message).toBe(
        `compare: the results are of different operations (UpdateUserIdentityInfo in ${first === identity ? 'identity' : 'older'}, UpdateUserPhoneConfig in phone); compare runs of one operation`,
      );
    }
    expect(existsSync(join(dir, 'm'))).toBe(false);
    expect(existsSync(join(dir, 'c'))).toBe(false);
    // as a user runs it: one line on stderr, exit 2
    for (const args of [
      ['compare', '--merge', identity, phone, '--out', join(dir, 'm')],
      ['compare', identity, phone, '--out', join(dir, 'c')],
    ]) {
      const r = await cli(args);
      expect(r.code, r.out).toBe(2);
      expect(r.out.trim().split('\n'), r.out).toHaveLength(1);
      expect(r.out).toContain('the results are of different operations (UpdateUserIdentityInfo in ');
    }
  });
});

describe('baseline files and report folders are created with their parents', () => {
  it('--update-baseline writes ci/deeper/baseline.yaml when ci/ does not exist; the reports go into new nested folders', async () => {
    const dir = tmp('parents');
    const file = join(dir, 'ci', 'deeper', 'baseline.yaml');
    const concluded = concludeRun(spec, clone(runs.broken), join(dir, 'reports', 'nested', 'out'), { file, update: true });
    expect(concluded.code).toBe(0);
    expect(
      readBaseline(file)
        .entries.map((e) => e.id)
        .sort(),
    ).toEqual([...FAILING].sort());
    expect(readdirSync(join(dir, 'reports', 'nested', 'out')).sort()).toEqual(['index.html', 'junit.xml', 'results.json']);
    expect(take()).toContain(`baseline written: ${file}`);
    expect(await report([join(dir, 'reports', 'nested', 'out'), '--out', join(dir, 'a', 'b', 'c')])).toBe(0);
    expect(existsSync(join(dir, 'a', 'b', 'c', 'index.html'))).toBe(true);
    // a path whose parent is a file: one line naming the file, not a stack trace
    writeFileSync(join(dir, 'blocker'), 'x');
    expect(() => updateBaselineFile(join(dir, 'blocker', 'baseline.yaml'), clone(runs.broken))).toThrow(UsageError);
    expect(() => updateBaselineFile(join(dir, 'blocker', 'baseline.yaml'), clone(runs.broken))).toThrow(
      /^baseline .*blocker\/baseline\.yaml: cannot be written \((ENOTDIR|EEXIST)\)$/,
    );
  });

  it('an entry for a requirement the run did not check (error) is kept by --update-baseline', () => {
    const dir = tmp('keep');
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, '- id: AUTH-UNSIGNED\n  reason: the emulator does not check signatures\n');
    const written = updateBaselineFile(file, clone(runs.errorsBroken));
    expect(written.entries.map((e) => e.id).sort()).toEqual([...FAILING, 'AUTH-UNSIGNED'].sort());
  });

  it('the command: --update-baseline into a folder that does not exist, XFAIL lines, then a stale baseline', {
    timeout: 240_000,
  }, async () => {
    const dir = tmp('cli');
    const file = join(dir, 'ci', 'connect-baseline.yaml');
    const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
    const flags = [
      '--target',
      'module',
      '--module',
      'test/fixtures/module-handler.ts',
      '--instance-id',
      managed[0]!.id,
      '--user-id',
      managed[0]!.users[0]!.id,
      '--second-user-id',
      managed[0]!.users[1]!.id,
    ];
    const args = ['run', ...flags, '--only', 'EX-UNKNOWN-USER,OK-ACCEPT-VALID', '--runs', '2', '--quiet', '--baseline', file];
    const first = await cli([...args, '--update-baseline', '--report-dir', join(dir, 'a')], { BROKEN: 'unknown-user-400' });
    expect(first.code, first.out).toBe(0);
    expect(first.out).not.toMatch(/ENOENT|\n\s+at /);
    expect(readFileSync(file, 'utf8')).toMatch(/- id: EX-UNKNOWN-USER/);
    expect(first.out).toMatch(/^XFAIL MUST +EX-UNKNOWN-USER /m);
    expect(first.out).not.toMatch(/^FAIL /m);
    expect(printedHeadline(first.out)).toBe('CONFORMANT with 1 expected failure');
    expect(json(join(dir, 'a')).summary).toMatchObject({ verdict: 'conformant', headline: 'CONFORMANT with 1 expected failure' });
    expect(htmlTitle(readFileSync(join(dir, 'a', 'index.html'), 'utf8'))).toBe('CONFORMANT with 1 expected failure');
    const fixed = await cli([...args, '--report-dir', join(dir, 'b')]);
    expect(fixed.code, fixed.out).toBe(1);
    expect(printedHeadline(fixed.out)).toBe('BASELINE OUT OF DATE');
    expect(fixed.out).toMatch(/^STALE MUST +EX-UNKNOWN-USER /m);
    expect(htmlTitle(readFileSync(join(dir, 'b', 'index.html'), 'utf8'))).toBe('BASELINE OUT OF DATE');
  });
});

/** The command as a user runs it (the checkout's bin), its exit code and everything it printed. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const r = await runBin(args, { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, 200_000);
  return { code: r.code, out: r.stdout + r.stderr };
}
