// Reading a results.json given on the command line: a missing, unreadable or foreign file is one line (UsageError).
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import type { Results } from '../engine/results.ts';

const STATUSES = new Set(['pass', 'fail', 'skip', 'n/a']);

/** What is wrong with a parsed results.json, or undefined when it has the shape the reports read. */
export function resultsProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const key of ['tool', 'target', 'spec', 'summary']) if (!v[key] || typeof v[key] !== 'object') return `"${key}" is missing`;
  if (typeof v.seed !== 'number') return '"seed" is missing';
  if (typeof v.startedAt !== 'string' || typeof v.finishedAt !== 'string') return '"startedAt" or "finishedAt" is missing';
  if (!Array.isArray(v.fixtures)) return '"fixtures" is missing';
  if (!Array.isArray(v.requirements)) return '"requirements" is missing';
  const target = v.target as Record<string, unknown>;
  if (typeof target.kind !== 'string' || typeof target.endpoint !== 'string' || !Array.isArray(target.identityManagementTypes)) return '"target" lacks kind, endpoint or identityManagementTypes';
  for (const [i, r] of (v.requirements as unknown[]).entries()) {
    const q = r as Record<string, unknown> | null;
    if (!q || typeof q !== 'object') return `requirements[${i}] is not an object`;
    for (const key of ['id', 'level', 'area', 'title']) if (typeof q[key] !== 'string') return `requirements[${i}].${key} is missing`;
    if (!STATUSES.has(q.status as string)) return `requirements[${i}] (${String(q.id)}) has no valid status`;
    if (typeof q.cases !== 'number' || typeof q.failureCount !== 'number' || !Array.isArray(q.failures)) return `requirements[${i}] (${String(q.id)}) lacks cases, failureCount or failures`;
    for (const [k, f] of (q.failures as unknown[]).entries()) {
      const e = f as Record<string, unknown> | null;
      const where = `requirements[${i}].failures[${k}] (${String(q.id)})`;
      if (!e || typeof e !== 'object') return `${where} is not an object`;
      if (typeof e.caseId !== 'string' || typeof e.problem !== 'string' || typeof e.replay !== 'string') return `${where} lacks caseId, problem or replay`;
      if (!e.expected || typeof (e.expected as Record<string, unknown>).summary !== 'string') return `${where} lacks expected.summary`;
      for (const part of ['request', 'response'] as const) {
        const x = e[part] as Record<string, unknown> | undefined;
        if (x !== undefined && (!x || typeof x !== 'object' || !x.headers || typeof x.headers !== 'object' || typeof x.body !== 'string')) return `${where}.${part} lacks headers or body`;
      }
    }
  }
  const baseline = v.baseline as Record<string, unknown> | undefined;
  if (baseline !== undefined && (!baseline || typeof baseline.marks !== 'object' || typeof baseline.gate !== 'object')) return '"baseline" is not a baseline verdict';
  return undefined;
}

/** Reads and checks one results.json. */
export function readResults(file: string): Results {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file (connect-conformance run --report-dir DIR writes DIR/results.json)' : `cannot be read (${code ?? (e as Error).message})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const problem = resultsProblem(value);
  if (problem) throw new UsageError(`${file}: not a results.json of connect-conformance: ${problem}`);
  return value as Results;
}
