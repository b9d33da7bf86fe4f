// `npm run strength`: the suite's own power, measured. Runs every suite against every variant of the reference
// (variants/): a broken one must be caught by a requirement meant to catch it; a correct-but-different one must
// pass. Prints a table (variant, verdict, by which requirement, requests used, time) and the score, and writes
// DIR/strength.json and the HTML report of the unmodified reference with the strength table in it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGenerators } from '../generators/index.ts';
import { strengthOk, strengthVerdict, type ClassesCovered, type Strength, type StrengthVariant } from '../reports/strength.ts';
import { defaultSpec } from '../spec/index.ts';
import { writeReports } from '../reports/write.ts';
import { ALL, judgeVariant, missedFindings, runVariant, statusOf, type Variant } from '../variants/index.ts';
import { integerFlag, parseFlags, UsageError } from './usage.ts';

export const STRENGTH_HELP = `Usage: npm run strength -- [--seed N] [--runs N] [--variant NAME,...] [--report-dir DIR]

Runs every suite against every variant of the reference and prints, for each, whether the suite caught it (broken
variants) or passed it (correct-but-different ones), by which requirement, the requests it used and the time; then
the score: faults caught / faults, false alarms / correct variants. Exit 0 when every fault is caught and no
correct variant is flagged, 1 otherwise.

  --seed N          the random phase's seed (default 42)
  --runs N          random-phase examples per property (default 10)
  --variant A,B     run only these variants
  --report-dir DIR  where strength.json and index.html go (default reports/strength)`;

/** A broken variant stops a fast-check run after this long (a failure found by then stays found). */
const BROKEN_CHECK_LIMIT_MS = 2_000;

type Row = StrengthVariant & { kind: Variant['kind']; by: string[]; missed: string[]; requests: number; ms: number; summary: string };

async function measure(variant: Variant, seed: number, runs: number): Promise<Row> {
  const run = await runVariant(variant, { seed, runs, checkTimeLimitMs: variant.kind === 'broken' ? BROKEN_CHECK_LIMIT_MS : undefined });
  const judgement = await judgeVariant(variant, run);
  const failing = (variant.caughtBy ?? []).filter((id) => statusOf(run, id) === 'fail');
  // A correct variant with sibling deviations whose finding went unreported is a miss, not a false alarm: only the
  // requirements it failed that it should not have make one.
  const missed = variant.kind === 'correct' ? missedFindings(variant, run) : [];
  const wronglyFailed = judgement.failureIds.filter((id) => !missed.includes(id));
  return {
    name: variant.name,
    kind: variant.kind,
    caught: variant.kind === 'broken' ? judgement.ok : wronglyFailed.length > 0,
    missed,
    by: variant.kind === 'broken' ? failing : wronglyFailed,
    requests: run.requests,
    ms: run.ms,
    summary: judgement.summary,
  };
}

/** The kinds of valid value the boundary phase sends to each member, on each identity management type. */
export async function classesCovered(): Promise<ClassesCovered> {
  const spec = await defaultSpec();
  const types = spec.identityManagementTypes;
  const byType = new Map(types.map((t) => [t, createGenerators(spec, t)]));
  return {
    classes: spec.valueClasses.classes.map((c) => ({ name: c.name, description: c.description })),
    identityManagementTypes: types,
    members: spec.members.map((m) => ({
      member: m.name,
      byType: Object.fromEntries(
        types.map((t) => {
          const forbidden = spec.typeRules[t]!.forbidden.includes(m.name);
          return [
            t,
            forbidden
              ? undefined
              : byType
                  .get(t)!
                  .valueClasses.filter((c) => c.members.some((x) => x.member === m.name))
                  .map((c) => c.name),
          ];
        }),
      ),
    })),
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export async function strength(args: string[]): Promise<number> {
  const { values } = parseFlags('strength', args, {
    seed: { type: 'string' },
    runs: { type: 'string' },
    variant: { type: 'string' },
    'report-dir': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(STRENGTH_HELP);
    return 0;
  }
  const seed = integerFlag('seed', values.seed, -(2 ** 31), 2 ** 31 - 1) ?? 42;
  const runs = integerFlag('runs', values.runs, 1, 10_000) ?? 10;
  const names = values.variant
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = (names ?? []).filter((n) => !ALL.some((v) => v.name === n));
  if (unknown.length) throw new UsageError(`--variant: no variant named ${unknown.join(', ')} (see variants/)`);
  const variants = names ? ALL.filter((v) => names.includes(v.name)) : ALL;

  const rows: Row[] = [];
  console.log(`${pad('variant', 40)} ${pad('kind', 8)} ${pad('verdict', 14)} ${pad('requests', 9)} ${pad('seconds', 8)} by`);
  for (const v of variants) {
    const row = await measure(v, seed, runs);
    rows.push(row);
    const verdict = strengthVerdict(row);
    const shown = strengthOk(row) ? verdict : verdict.toUpperCase();
    const by = verdict === 'finding missed' ? `not reported: ${row.missed.join(', ')}` : row.by.join(', ') || row.summary;
    console.log(
      `${pad(row.name, 40)} ${pad(row.kind, 8)} ${pad(shown, 14)} ${pad(String(row.requests), 9)} ${pad((row.ms / 1000).toFixed(1), 8)} ${by}`,
    );
  }
  const broken = rows.filter((r) => r.kind === 'broken');
  const correct = rows.filter((r) => r.kind === 'correct');
  const caught = broken.filter((r) => r.caught).length;
  const falseAlarms = correct.filter((r) => r.caught).length;
  const notReported = correct.reduce((n, r) => n + r.missed.length, 0);
  console.log(
    `\nscore: ${caught}/${broken.length} faults caught; ${falseAlarms}/${correct.length} false alarms${notReported ? `; ${notReported} sibling finding(s) not reported` : ''} (seed ${seed}, ${runs} runs per property)`,
  );

  const results = (await runVariant(undefined, { seed, runs })).results;
  const score: Strength = {
    caught,
    total: broken.length,
    falseAlarms,
    correctTotal: correct.length,
    missedFindings: notReported,
    note: `seed ${seed}, ${runs} random examples per property`,
    variants: rows.map(({ name, kind, caught: c, missed, by, requests, ms, summary }) => ({
      name,
      kind,
      caught: c,
      ...(missed.length ? { missed } : {}),
      by,
      requests,
      ms,
      summary,
    })),
    classes: await classesCovered(),
  };
  const dir = resolve(values['report-dir'] ?? 'reports/strength');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'strength.json'), `${JSON.stringify(score, null, 2)}\n`);
  const written = writeReports(dir, results, { strength: score });
  console.log(`report: ${written.html}`);
  return caught === broken.length && falseAlarms === 0 && notReported === 0 ? 0 : 1;
}
