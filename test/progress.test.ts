// Progress on the console, from the engine's events: without a TTY (a CI log) a line per phase of the plan, the first
// failure of each requirement, a step that did not finish, and a line every 30 s of silence, never a line per step;
// on a TTY one live line rewritten in place; nothing with --quiet.
import { describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, progress, progressMode } from '../bin/progress.ts';
import type { RunEvent } from '../engine/events.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns: 100, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WriteStream };
}

const events: RunEvent[] = [
  { type: 'plan', steps: 2, identityManagementTypes: ['CONNECT_MANAGED'] },
  { type: 'step-started', stepId: 'CONNECT_MANAGED/existence/unknown-user', suite: 'existence', index: 1, steps: 2 },
  { type: 'request', requests: 1 },
  {
    type: 'verdict',
    requirementId: 'EX-UNKNOWN-USER',
    status: 'fail',
    first: true,
    stepId: 'CONNECT_MANAGED/existence/unknown-user',
    problem: 'expected 404, got 400',
  },
  {
    type: 'verdict',
    requirementId: 'EX-UNKNOWN-USER',
    status: 'fail',
    first: false,
    stepId: 'CONNECT_MANAGED/existence/unknown-user',
    problem: 'again',
  },
  {
    type: 'step-finished',
    stepId: 'CONNECT_MANAGED/existence/unknown-user',
    index: 1,
    steps: 2,
    outcome: 'done',
    requests: 2,
    failures: 1,
    elapsedMs: 12,
  },
  { type: 'step-started', stepId: 'CONNECT_MANAGED/stateful/sequences', suite: 'statefulModel', index: 2, steps: 2 },
  {
    type: 'step-finished',
    stepId: 'CONNECT_MANAGED/stateful/sequences',
    index: 2,
    steps: 2,
    outcome: 'error',
    message: 'the handler threw',
    requests: 0,
    failures: 0,
    elapsedMs: 3,
  },
];

/** A plan as a default run has it: 3 types, their phases, about 400 steps in all. */
function bigPlan(): RunEvent[] {
  const phases: [string, number][] = [];
  for (const type of ['SAML', 'CONNECT_MANAGED', 'EXISTING_DIRECTORY'])
    phases.push(
      [`${type}/boundary`, 120],
      [`${type}/random`, 4],
      [`${type}/existence`, 3],
      [`${type}/precedence`, 2],
      [`${type}/authentication`, 2],
    );
  phases.push(['all/hold', 1]);
  for (const type of ['SAML', 'CONNECT_MANAGED', 'EXISTING_DIRECTORY']) phases.push([`${type}/stateful`, 1]);
  const total = phases.reduce((n, [, count]) => n + count, 0);
  const out: RunEvent[] = [{ type: 'plan', steps: total, identityManagementTypes: ['SAML', 'CONNECT_MANAGED', 'EXISTING_DIRECTORY'] }];
  let index = 0;
  for (const [phase, count] of phases) {
    for (let i = 0; i < count; i++) {
      index++;
      const stepId = `${phase}/step-${i}`;
      out.push(
        { type: 'step-started', stepId, suite: 'validation', index, steps: total },
        { type: 'request', requests: index * 3 },
        { type: 'step-finished', stepId, index, steps: total, outcome: 'done', requests: 3, failures: 0, elapsedMs: 5 },
      );
    }
  }
  return out;
}

describe('progress', () => {
  it('without a TTY: a line per phase, never a line per step; the first failure of a requirement once, an unfinished step named', () => {
    const { chunks, s } = stream(false);
    const p = progress('lines', s);
    for (const e of events) p.onEvent(e);
    p.done();
    const text = chunks.join('');
    expect(text).toMatch(/^plan: 2 steps \(CONNECT_MANAGED\)$/m);
    expect(text).toMatch(/^\[0\/2\] 0 requests, 0 failing requirement\(s\), \d+ s; CONNECT_MANAGED\/existence$/m);
    expect(text).toMatch(/^\[1\/2\] 1 requests, 1 failing requirement\(s\), \d+ s; CONNECT_MANAGED\/stateful$/m);
    expect(text).toMatch(/\[2\/2\] CONNECT_MANAGED\/stateful\/sequences: .* ERROR: the handler threw/);
    expect(text).not.toContain('unknown-user: ');
    expect(text.match(/FAIL EX-UNKNOWN-USER/g)).toHaveLength(1);
    expect(text).toMatch(/^done: \[2\/2\]/m);
    expect(text).not.toContain('\r');
  });

  it('without a TTY: a run of 397 steps in 19 phases is 21 lines (plan, phases, done), not one per step', () => {
    const { chunks, s } = stream(false);
    const p = progress('lines', s);
    const plan = bigPlan();
    for (const e of plan) p.onEvent(e);
    p.done();
    const lines = chunks.join('').split('\n').filter(Boolean);
    expect(plan.filter((e) => e.type === 'step-started')).toHaveLength(397);
    expect(lines).toHaveLength(1 + 19 + 1);
    expect(lines.filter((l) => l.endsWith('/boundary'))).toHaveLength(3);
  });

  it('on a TTY: one live line, rewritten in place', () => {
    const { chunks, s } = stream(true);
    const p = progress('tty', s);
    for (const e of events) p.onEvent(e);
    p.done();
    expect(chunks.filter((c) => c.startsWith('\r\x1b[2K')).length).toBeGreaterThan(2);
    expect(chunks.join('')).toMatch(/\[1\/2\] 1 requests, 1 failing requirement\(s\)/);
  });

  it('quiet prints nothing; the mode follows --quiet and the stream', () => {
    const { chunks, s } = stream(true);
    const p = progress('quiet', s);
    for (const e of events) p.onEvent(e);
    p.done();
    expect(chunks).toEqual([]);
    expect(progressMode(true, s)).toBe('quiet');
    expect(progressMode(false, s)).toBe('tty');
    expect(progressMode(false, stream(false).s)).toBe('lines');
  });

  it('without a TTY: one line every 30 s of silence while a step runs, none sooner', () => {
    vi.useFakeTimers();
    try {
      const { chunks, s } = stream(false);
      const p = progress('lines', s);
      p.onEvent(events[0]!);
      p.onEvent(events[6]!);
      const heartbeats = () => chunks.filter((c) => c.startsWith('... ')).length;
      vi.advanceTimersByTime(HEARTBEAT_MS - 6_000);
      expect(heartbeats()).toBe(0);
      vi.advanceTimersByTime(2 * HEARTBEAT_MS + 5_000);
      p.done();
      expect(HEARTBEAT_MS).toBe(30_000);
      expect(heartbeats()).toBe(2);
      expect(chunks.join('')).toContain('running CONNECT_MANAGED/stateful/sequences');
    } finally {
      vi.useRealTimers();
    }
  });
});
