// The consistency model (checks/consistency.ts, checks/read-back.ts unchangedVerdicts): within the read-back window a
// read may show any version accepted updates produced, in any order; a state no accepted update produced fails the
// requirement of the request after which it shows (and becomes the known state, so it is blamed once); an earlier
// version superseded longer ago than the window fails too; a read without identity info gives no verdict.
import { describe, expect, it } from 'vitest';
import { advance, sameInfo, stateOf } from '../checks/consistency.ts';
import type { CheckContext, UserState } from '../checks/context.ts';
import { unchangedVerdicts, type StateRead } from '../checks/read-back.ts';
import type { Observation } from '../core/observation.ts';

const ctxWith = (windowMs: number, consistent = false) =>
  ({ target: { consistent }, settings: { poll: { windowMs, firstMs: 25, factor: 2, maxMs: 800 } } }) as unknown as CheckContext;
const user = (): UserState => ({ instanceId: 'i-1', userId: 'u-1', info: { FirstName: 'Ada' } });
const observation = {
  channel: 'sdk',
  request: { method: 'GET', path: '/users/i-1/u-1', headers: {}, body: new Uint8Array() },
} as Observation;
const evidence = (problem: string, expected: string) => ({ caseId: 'case-1', input: undefined, expected: { summary: expected }, problem });
const read = (ctx: CheckContext, u: UserState, info: Record<string, string>, now?: number): StateRead => ({
  info,
  observation,
  ...stateOf(ctx, u, info, now),
});

describe('what a read may show', () => {
  it('the newest version; an earlier one within the window, in any order; nothing else', () => {
    const ctx = ctxWith(1000);
    const u = user();
    advance(u, { FirstName: 'Bea' }, 10_000);
    advance(u, { FirstName: 'Cy' }, 10_100);
    expect(stateOf(ctx, u, { FirstName: 'Cy' }, 10_200).state).toBe('newest');
    // Reads go back in time: Ada (superseded at 10 000), then Bea, then Ada again, all within the window.
    expect(stateOf(ctx, u, { FirstName: 'Ada' }, 10_500).state).toBe('earlier');
    expect(stateOf(ctx, u, { FirstName: 'Bea' }, 10_600).state).toBe('earlier');
    expect(stateOf(ctx, u, { FirstName: 'Ada' }, 10_900).state).toBe('earlier');
    expect(stateOf(ctx, u, { FirstName: 'Ada' }, 11_500)).toEqual({ state: 'stale-too-long', supersededMsAgo: 1500 });
    expect(stateOf(ctx, u, { FirstName: 'Eve' }, 10_200).state).toBe('foreign');
    expect(stateOf(ctx, u, { FirstName: 'Cy', LastName: 'X' }, 10_200).state).toBe('foreign');
  });

  it('a consistent target (the embedded reference) may show the newest version only', () => {
    const ctx = ctxWith(3000, true);
    const u = user();
    advance(u, { FirstName: 'Bea' }, 10_000);
    expect(stateOf(ctx, u, { FirstName: 'Ada' }, 10_001).state).toBe('stale-too-long');
  });

  it('advance keeps nothing for a read that shows the newest version, and compares members exactly', () => {
    const u = user();
    advance(u, { FirstName: 'Ada' });
    expect(u.earlier ?? []).toEqual([]);
    expect(sameInfo({ A: '1' }, { A: '1', B: '' })).toBe(false);
    expect(sameInfo({ A: '1', B: '2' }, { B: '2', A: '1' })).toBe(true);
  });
});

describe('a request that must change nothing', () => {
  it('passes on the newest version and on a stale replica within the window', () => {
    const ctx = ctxWith(3000);
    const u = user();
    advance(u, { FirstName: 'Bea' });
    expect(unchangedVerdicts(ctx, u, read(ctx, u, { FirstName: 'Bea' }), ['NL-REJECTED-UNCHANGED'], evidence).map((v) => v.pass)).toEqual([
      true,
    ]);
    expect(
      unchangedVerdicts(ctx, u, read(ctx, u, { FirstName: 'Ada' }), ['NL-REJECTED-UNCHANGED', 'THR-WRITE-UNCHANGED'], evidence).map(
        (v) => v.pass,
      ),
    ).toEqual([true, true]);
    // A stale read never becomes the known state.
    expect(u.info).toEqual({ FirstName: 'Bea' });
  });

  it('fails on a state no accepted update produced, names the change, and learns it (blamed once)', () => {
    const ctx = ctxWith(3000);
    const u = user();
    const [v] = unchangedVerdicts(ctx, u, read(ctx, u, { FirstName: 'Mallory' }), ['NL-REJECTED-UNCHANGED'], evidence);
    expect(v!.pass).toBe(false);
    expect(v!.evidence!.problem).toMatch(/FirstName "Mallory" \(was "Ada"\), a state no accepted update produced/);
    expect(u.info).toEqual({ FirstName: 'Mallory' });
    expect(
      unchangedVerdicts(ctx, u, read(ctx, u, { FirstName: 'Mallory' }), ['NL-REJECTED-UNCHANGED'], evidence).map((x) => x.pass),
    ).toEqual([true]);
  });

  it('fails on an earlier version superseded longer ago than the window', () => {
    const ctx = ctxWith(1000);
    const u = user();
    advance(u, { FirstName: 'Bea' }, Date.now() - 5000);
    const [v] = unchangedVerdicts(ctx, u, read(ctx, u, { FirstName: 'Ada' }), ['NL-REJECTED-UNCHANGED'], evidence);
    expect(v!.pass).toBe(false);
    expect(v!.evidence!.problem).toMatch(/changed back/);
  });

  it('gives no verdict on a read without identity info (no response proves nothing)', () => {
    const ctx = ctxWith(1000);
    expect(
      unchangedVerdicts(
        ctx,
        user(),
        { observation: { ...observation, transportError: 'ECONNREFUSED' } },
        ['NL-REJECTED-UNCHANGED'],
        evidence,
      ),
    ).toEqual([]);
  });
});
