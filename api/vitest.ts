// The vitest adapter: a mock author gates their mock inside their own vitest suite. One run of the engine in
// beforeAll (so vitest's hook timeout applies to it), then one test per requirement of the catalogue: a failing MUST
// or SHOULD fails its test with the evidence, an unfinished check (`error`) fails its test with the step that did not
// finish, skip and n/a are skipped with the reason, OBSERVE requirements pass with what was seen; one more test fails
// when a fixture user was not restored.
//
//   // conformance.test.ts
//   import { describeConformance } from 'connect-conformance/vitest';
//   import { handler } from './my-connect-mock.ts';
//   describeConformance('my Connect mock', { handler, identityManagementType: 'CONNECT_MANAGED', seed: 1 });
//
// describeConformance declares its suite at once (no top-level await: it compiles in CommonJS projects too); the
// catalogue is loaded inside vitest's collection of the suite. A failing test's replay line re-runs that failure in
// the same test file, with the same handler: `CONNECT_CONFORMANCE_REPLAY='…' npx vitest run FILE -t 'ID '`; the
// variable narrows the suite's run to the failure's requirement and plan step (with its seed and fast-check path).
//
// A ConnectClient stubbed with aws-sdk-client-mock (or any ConnectClient) is gated the same way: `{ client, ... }`.
import { relative } from 'node:path';
import { beforeAll, describe, it, type TestContext } from 'vitest';
import { runConformance } from './run.ts';
import { quoted, seedArgument, type RunOptions } from '../engine/options.ts';
import type { ConnectClientLike } from '../targets/index.ts';
import { UsageError } from '../core/errors.ts';
import { parseStepId, ALL_SETS } from '../engine/plan.ts';
import type { RequirementResult, ResultFailure, Results } from '../engine/results.ts';
import { verdictReason } from '../engine/summary.ts';
import { specOf } from '../spec/index.ts';
import { bindingOf } from '../operations/index.ts';

export interface ConformanceTestOptions extends RunOptions {
  /** A ConnectClient to check through its send (one stubbed with aws-sdk-client-mock, or a real one): the same as
   * `target: { client }`. */
  client?: ConnectClientLike;
  /** Levels whose failures fail their test (default MUST and SHOULD). */
  failOn?: ('MUST' | 'SHOULD')[];
  /** How long the whole run may take (default 300 s). */
  timeoutMs?: number;
  /** Called with the results once the run is done (to write reports, for example). */
  onResults?: (results: Results) => void;
}

/** The environment variable of a replay: the failure to run again, as URL query parameters. */
export const REPLAY_VARIABLE = 'CONNECT_CONFORMANCE_REPLAY';

interface Replay {
  suite: string;
  requirement: string;
  step?: string;
  seed: string;
  path?: string;
}

/** The replay the environment asks for, when it is one of this suite's. */
function replayOf(suite: string, env: NodeJS.ProcessEnv = process.env): Replay | undefined {
  const text = env[REPLAY_VARIABLE];
  if (!text) return undefined;
  const q = new URLSearchParams(text);
  const requirement = q.get('requirement');
  const seed = q.get('seed');
  if (q.get('suite') !== suite) return undefined;
  if (!requirement || seed === null)
    throw new Error(`${REPLAY_VARIABLE}=${text}: needs suite, requirement and seed (copy the replay line of a failed test)`);
  return { suite, requirement, seed, step: q.get('step') ?? undefined, path: q.get('path') ?? undefined };
}

/** The options of a run narrowed to one failure (the `replay` command's narrowing, for a handler in code). */
function replayOptions(options: RunOptions, replay: Replay): RunOptions {
  const step = replay.step ? parseStepId(replay.step) : undefined;
  return {
    ...options,
    only: [replay.requirement],
    seed: replay.seed,
    ...(replay.step ? { step: replay.step, identityManagementType: options.identityManagementType ?? step!.identityManagementType } : {}),
    ...(replay.path ? { replayPath: replay.path } : {}),
  };
}

/** The command that runs one failure again in the test file that found it. */
function replayLine(suite: string, file: string, results: Results, r: RequirementResult, f: ResultFailure): string {
  const whole = !f.stepId || f.stepId.startsWith(`${ALL_SETS}/`);
  const seed = f.seed !== undefined && f.seed !== results.seed ? String(f.seed) : seedArgument(results);
  const q = new URLSearchParams({
    suite,
    requirement: r.id,
    ...(whole ? {} : { step: f.stepId! }),
    seed,
    ...(!whole && f.path ? { path: f.path } : {}),
  });
  return `${REPLAY_VARIABLE}=${quoted(q.toString())} npx vitest run ${quoted(relative(process.cwd(), file) || file)} -t ${quoted(`${r.id} `)}`;
}

function failureText(r: RequirementResult, replay: (f: ResultFailure) => string): string {
  const lines = [`${r.id} [${r.level}] ${r.title}: ${r.failureCount} failing case(s)`];
  for (const f of r.failures.slice(0, 3)) {
    lines.push(`- ${f.caseId}${f.stepId ? ` (step ${f.stepId})` : ''}: ${f.problem}`, `  expected: ${f.expected.summary}`);
    if (f.request) lines.push(`  request:  ${f.request.method} ${f.request.path} ${f.request.body.slice(0, 300)}`);
    if (f.response) lines.push(`  response: ${f.response.status} ${f.response.body.slice(0, 300)}`);
    lines.push(`  replay:   ${replay(f)}`);
  }
  return lines.join('\n');
}

/** Declares one vitest test per requirement, judged on one conformance run of `options`. */
export function describeConformance(name: string, options: ConformanceTestOptions = {}): void {
  const failOn = new Set(options.failOn ?? ['MUST', 'SHOULD']);
  const { failOn: _f, timeoutMs = 300_000, onResults, client, ...rest } = options;
  if (client !== undefined && rest.target !== undefined) throw new UsageError('give describeConformance either client or target, not both');
  const runOptions: RunOptions = client !== undefined ? { ...rest, target: { client } } : rest;
  describe(name, async () => {
    // The requirements of the operation the options name (`operation`, `binding`; default the library's DEFAULT_BINDING).
    const spec = options.spec ?? (await specOf(bindingOf(options)));
    const replay = replayOf(name);
    let results: Results | undefined;
    beforeAll(async () => {
      results = await runConformance({ ...(replay ? replayOptions(runOptions, replay) : runOptions), spec });
      onResults?.(results);
    }, timeoutMs);

    const resultOf = (id: string): RequirementResult => {
      const r = results?.requirements.find((x) => x.id === id);
      if (!r) throw new Error(`the run gave no result for ${id}`);
      return r;
    };

    for (const requirement of spec.requirements) {
      it(`${requirement.id} ${requirement.title}`, (ctx: TestContext) => {
        const r = resultOf(requirement.id);
        if (r.status === 'error') throw new Error(`${r.id} was not checked: ${r.reason ?? 'a step did not finish'}`);
        if (r.status === 'skip' || r.status === 'n/a') return ctx.skip(`${r.status}: ${r.reason ?? ''}`);
        if (r.status === 'fail' && failOn.has(r.level as 'MUST' | 'SHOULD'))
          throw new Error(failureText(r, (f) => replayLine(name, ctx.task.file.filepath, results!, r, f)));
        if (r.observed?.length) ctx.annotate(`observed: ${r.observed.join(' | ')}`);
      });
    }

    it('every fixture user is restored', () => {
      const unrestored = results?.fixtures.filter((f) => !f.restored) ?? [];
      if (unrestored.length) throw new Error(unrestored.map((f) => `user ${f.userId}: ${f.note ?? 'not restored'}`).join('\n'));
    });

    it('the run checked something', () => {
      if (!results) throw new Error('the run did not finish');
      if (results.summary.verdict === 'nothing checked' || results.summary.verdict === 'incomplete')
        throw new Error(`${results.summary.verdict.toUpperCase()}: ${verdictReason(results.summary, results.fixtures)}`);
    });
  });
}
