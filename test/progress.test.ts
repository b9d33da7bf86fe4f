// Progress on the console, from the engine's events: without a TTY a line per step (and the first failure of each
// requirement); on a TTY one live line rewritten in place; nothing with --quiet.
import { describe, expect, it, vi } from 'vitest';
import { progress, progressMode } from '../bin/progress.ts';
import type { RunEvent } from '../engine/events.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns: 100, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WriteStream };
}

const events: RunEvent[] = [
  { type: 'plan', steps: 2, identityManagementTypes: ['CONNECT_MANAGED'] },
  { type: 'step-started', stepId: 'CONNECT_MANAGED/existence/unknown-user', suite: 'existence', index: 1, steps: 2 },
  { type: 'request', requests: 1 },
  { type: 'verdict', requirementId: 'EX-UNKNOWN-USER', status: 'fail', first: true, stepId: 'CONNECT_MANAGED/existence/unknown-user', problem: 'expected 404, got 400' },
  { type: 'verdict', requirementId: 'EX-UNKNOWN-USER', status: 'fail', first: false, stepId: 'CONNECT_MANAGED/existence/unknown-user', problem: 'again' },
  { type: 'step-finished', stepId: 'CONNECT_MANAGED/existence/unknown-user', index: 1, steps: 2, outcome: 'done', requests: 2, failures: 1, elapsedMs: 12 },
  { type: 'step-started', stepId: 'CONNECT_MANAGED/stateful/sequences', suite: 'statefulModel', index: 2, steps: 2 },
  { type: 'step-finished', stepId: 'CONNECT_MANAGED/stateful/sequences', index: 2, steps: 2, outcome: 'error', message: 'the handler threw', requests: 0, failures: 0, elapsedMs: 3 },
];

describe('progress', () => {
  it('without a TTY: a line per step, the first failure of a requirement once, an unfinished step named', () => {
    const { chunks, s } = stream(false);
    const p = progress('lines', s);
    for (const e of events) p.onEvent(e);
    p.done();
    const text = chunks.join('');
    expect(text).toContain('[1/2] CONNECT_MANAGED/existence/unknown-user: 2 request(s)');
    expect(text).toMatch(/\[2\/2\] CONNECT_MANAGED\/stateful\/sequences: .* ERROR: the handler threw/);
    expect(text.match(/FAIL EX-UNKNOWN-USER/g)).toHaveLength(1);
    expect(text).not.toContain('\r');
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

  it('without a TTY: at least one line every 10 s while a step runs', () => {
    vi.useFakeTimers();
    try {
      const { chunks, s } = stream(false);
      const p = progress('lines', s);
      p.onEvent(events[0]!);
      p.onEvent(events[6]!);
      vi.advanceTimersByTime(25_000);
      p.done();
      expect(chunks.filter((c) => c.startsWith('... ')).length).toBeGreaterThanOrEqual(2);
      expect(chunks.join('')).toContain('running CONNECT_MANAGED/stateful/sequences');
    } finally {
      vi.useRealTimers();
    }
  });
});
