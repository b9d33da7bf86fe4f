// Baselines: the expected failures of one target, in a YAML (or JSON) file checked in next to its CI job.
//
//   - id: EX-UNKNOWN-USER                     # a requirement ID of spec/requirements.yaml
//     reason: the emulator answers 400        # why it is expected to fail (required)
//     link: https://example.org/issues/12     # optional: where the fix is tracked (http or https)
//     expires: 2026-12-31                     # optional: the last day the entry holds (UTC)
//
// Against a run, each listed requirement is in one state: expected-failure (listed and failing: the run is not
// failed for it), stale (listed and now passing: fails the run, so the baseline shrinks as targets improve),
// expired (listed, not passing, and the expiry date has passed: fails the run), or not-run (listed, but the run
// did not judge it: skip, n/a, error; proves nothing either way). The verdict with these marks is computed where
// every verdict is (engine/summary.ts summarize, through reports/verdict.ts judged): an unlisted MUST failure fails
// the run as it does without a baseline, and a baseline never excuses what is not a failure (a requirement not
// checked, a run that stopped early or checked nothing, a fixture not restored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LineCounter, parseDocument, stringify, isMap, isSeq, type Node } from 'yaml';
import { UsageError } from '../core/errors.ts';
import type { BaselineEntry, BaselineMark, BaselineView, RequirementResult, Results } from '../engine/results.ts';
import { operationOf } from './results-schema.ts';

export type { BaselineMark, BaselineView };

export interface Baseline {
  /** The file it was read from (for messages); '' for one built in memory. */
  file: string;
  entries: BaselineEntry[];
}

const KEYS = ['id', 'reason', 'link', 'expires'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isDate = (s: string) => {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
};

const isUrl = (s: string) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Parses baseline text; `file` names it in messages. `known`: the catalogue's requirement IDs, when at hand. */
export function parseBaseline(text: string, file: string, known?: Iterable<string>): Baseline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined) => (node?.range ? `:${lines.linePos(node.range[0]).line}` : '');
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UsageError(`baseline ${file}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (root === null || (root && 'value' in root && root.value === null)) return { file, entries: [] };
  if (!isSeq(root))
    throw new UsageError(
      `baseline ${file}${at(root as Node)}: must be a list of entries (- id: REQUIREMENT-ID, reason: …, link: URL?, expires: YYYY-MM-DD?)`,
    );
  const ids = known ? new Set(known) : undefined;
  const seen = new Map<string, number>();
  const entries = root.items.map((item, i): BaselineEntry => {
    const where = `baseline ${file}${at(item as Node)}: entry ${i + 1}`;
    if (!isMap(item)) throw new UsageError(`${where}: must be a mapping with id and reason`);
    const raw = item.toJSON() as Record<string, unknown>;
    const unknownKey = Object.keys(raw).find((k) => !KEYS.includes(k));
    if (unknownKey !== undefined) throw new UsageError(`${where}: unknown key "${unknownKey}" (keys: ${KEYS.join(', ')})`);
    const { id, reason, link, expires } = raw;
    if (typeof id !== 'string' || !id.trim()) throw new UsageError(`${where}: id must be a requirement ID`);
    const named = `${where} (${id})`;
    if (ids && !ids.has(id)) throw new UsageError(`${named}: no requirement has this ID`);
    if (seen.has(id)) throw new UsageError(`${named}: listed twice (entries ${seen.get(id)} and ${i + 1})`);
    seen.set(id, i + 1);
    if (typeof reason !== 'string' || !reason.trim()) throw new UsageError(`${named}: reason must be a non-empty text`);
    if (link !== undefined && (typeof link !== 'string' || !isUrl(link)))
      throw new UsageError(`${named}: link must be an http or https URL`);
    if (expires !== undefined && (typeof expires !== 'string' || !isDate(expires)))
      throw new UsageError(`${named}: expires must be a date YYYY-MM-DD (got ${JSON.stringify(expires)})`);
    return { id, reason: reason.trim(), ...(link !== undefined ? { link } : {}), ...(expires !== undefined ? { expires } : {}) };
  });
  return { file, entries };
}

/** Reads a baseline file; a missing or malformed file, or an unknown requirement ID (when `known` is given), is a UsageError. */
export function readBaseline(file: string, known?: Iterable<string>): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`baseline ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseBaseline(text, file, known);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Each listed requirement's state against a run (judged() computes the verdict with them). */
export function applyBaseline(results: Pick<Results, 'requirements'>, baseline: Baseline, today: Date): BaselineView {
  const byId = new Map<string, RequirementResult>(results.requirements.map((r) => [r.id, r]));
  const file = baseline.file || 'the baseline';
  const marks: Record<string, BaselineMark> = {};
  const now = day(today);
  for (const entry of baseline.entries) {
    const r = byId.get(entry.id);
    if (!r)
      throw new UsageError(`baseline ${file}: entry ${baseline.entries.indexOf(entry) + 1} (${entry.id}): no requirement has this ID`);
    const expired = entry.expires !== undefined && now > entry.expires;
    let mark: BaselineMark;
    if (r.status === 'pass') {
      mark = { state: 'stale', entry, failsGate: true, note: `listed as an expected failure but passes now: remove it from ${file}` };
    } else if (expired) {
      mark = {
        state: 'expired',
        entry,
        failsGate: true,
        note: `the entry expired on ${entry.expires}: fix the target, or renew the entry in ${file}`,
      };
    } else if (r.status === 'fail') {
      mark = {
        state: 'expected-failure',
        entry,
        failsGate: false,
        note: `expected failure${entry.expires ? ` until ${entry.expires}` : ''}: ${entry.reason}`,
      };
    } else {
      mark = {
        state: 'not-run',
        entry,
        failsGate: false,
        note: `listed, but the run did not judge it (${r.status}${r.reason ? `: ${r.reason}` : ''})`,
      };
    }
    marks[entry.id] = mark;
  }
  return { file: baseline.file, today: now, marks };
}

/** The baseline a view was made from: its file and its entries, in order. */
export const baselineOfView = (view: BaselineView): Baseline => ({
  file: view.file,
  entries: Object.values(view.marks).map((m) => m.entry),
});

/** A view's day (YYYY-MM-DD) as the Date applyBaseline takes. */
export const dayOf = (today: string): Date => new Date(`${today}T00:00:00Z`);

const oneLine = (s: string, max = 200) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/**
 * The baseline file content for --update-baseline: every MUST and SHOULD requirement that fails now. Entries of
 * `previous` that still fail keep their reason, link and expiry; new ones get "failing since DAY: first problem".
 * Entries of `previous` for requirements this run did not judge (skip, n/a: another shard, --only; error: a step
 * did not finish) are kept as they are; entries for requirements that pass now are dropped.
 */
export function baselineFrom(results: Results, previous?: Baseline): string {
  const kept = new Map((previous?.entries ?? []).map((e) => [e.id, e]));
  const since = results.startedAt.slice(0, 10);
  const entries: BaselineEntry[] = results.requirements.flatMap((r): BaselineEntry[] => {
    const old = kept.get(r.id);
    if (r.status === 'fail' && (r.level === 'MUST' || r.level === 'SHOULD')) {
      return [
        old ?? { id: r.id, reason: `failing since ${since}: ${oneLine(r.failures[0]?.problem ?? `${r.failureCount} failing case(s)`)}` },
      ];
    }
    return old && (r.status === 'skip' || r.status === 'n/a' || r.status === 'error') ? [old] : [];
  });
  const header = [
    'connect-conformance baseline: the expected failures of one target (docs/reports.md).',
    `Written by --update-baseline from a run of ${operationOf(results)} against ${results.target.kind} ${results.target.endpoint} (seed ${results.seed}, ${results.startedAt}).`,
    'Each entry: id, reason, link (optional URL), expires (optional YYYY-MM-DD). A listed requirement that passes',
    'again fails the run (stale baseline), and so does an entry past its expiry date. A baseline lists failures only:',
    'a requirement not checked (error), a run that stopped early or checked nothing, a fixture not restored still fail.',
  ].map((l) => `# ${oneLine(l, 400)}`);
  return `${header.join('\n')}\n${entries.length ? stringify(entries, { lineWidth: 0 }) : '[]\n'}`;
}

/**
 * --update-baseline: writes `file` from the run (keeping what a previous version of it said, see baselineFrom),
 * creating its folder and the folders above it, and returns the new baseline. `known`: the catalogue's requirement
 * IDs, to check the previous file against. A file that cannot be written is a UsageError naming it.
 */
export function updateBaselineFile(file: string, results: Results, known?: Iterable<string>): Baseline {
  const previous = existsSync(file) ? readBaseline(file, known) : undefined;
  const text = baselineFrom(results, previous);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`baseline ${file}: cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseBaseline(text, file);
}
