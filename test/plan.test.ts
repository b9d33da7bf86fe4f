// The plan has one definition (engine/plan.ts), and every requirement is reachable from it under every policy, or is
// judged on every response. Step IDs are structured and unique, so that `replay --step` finds exactly one step.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/options.ts';
import { coveringCases, formatStepId, parseStepId, planFor, RESPONSE_REQUIREMENTS, type Step } from '../engine/plan.ts';
import { selectSteps } from '../engine/run.ts';
import { UsageError } from '../core/errors.ts';
import { createGenerators } from '../generators/index.ts';
import { defaultSpec } from '../spec/index.ts';

const spec = await defaultSpec();

function planOf(type: string): Step[] {
  const user = (userId: string) => ({ instanceId: 'i', userId, info: {} });
  return planFor({
    set: { identityManagementType: type, instanceId: 'i', userId: 'u', secondUserId: 'v', secondInstanceId: 'w', provisioned: [] },
    generators: createGenerators(spec, type),
    user: user('u'),
    other: user('v'),
  });
}

describe('the plan', () => {
  for (const type of spec.identityManagementTypes) {
    for (const policy of ['local', 'sandbox'] as const) {
      it(`${type}, ${policy} policy: every requirement that applies is checked by a step or judged on every response`, () => {
        const steps = selectSteps(planOf(type), defaultConfig(), policy);
        const reached = new Set([...steps.flatMap((s) => s.requirementIds), ...RESPONSE_REQUIREMENTS]);
        const missing = spec.requirements.filter((r) => r.appliesTo.includes(type) && !reached.has(r.id)).map((r) => r.id);
        expect(missing).toEqual([]);
        // And no step names a requirement the catalogue does not have.
        const known = new Set(spec.requirements.map((r) => r.id));
        expect([...reached].filter((id) => !known.has(id))).toEqual([]);
      });
    }
  }

  it('runs the signature checks under every policy, the refused ones before the accepted skews (which write the same update)', () => {
    const names = (steps: Step[]) => steps.filter((s) => s.id.phase === 'authentication').map((s) => s.id.name);
    const expected = ['unsigned', 'wrong-signature', 'wrong-scope', 'stale-signature', 'skew-tolerated', 'skew-observed'];
    for (const policy of ['local', 'sandbox'] as const)
      expect(names(selectSteps(planOf('CONNECT_MANAGED'), defaultConfig(), policy)), policy).toEqual(expected);
    const checked = planOf('SAML')
      .filter((s) => s.id.phase === 'authentication')
      .flatMap((s) => s.requirementIds);
    expect(checked).toEqual([
      'AUTH-UNSIGNED',
      'AUTH-BAD-SIGNATURE',
      'AUTH-WRONG-SCOPE',
      'AUTH-STALE-SIGNATURE',
      'AUTH-SKEW-TOLERATED',
      'OBS-SIGNATURE-SKEW',
    ]);
  });

  it('the sandbox policy runs fewer steps than the local one, and every step it runs is one of the plan', () => {
    const plan = planOf('CONNECT_MANAGED');
    const sandbox = selectSteps(plan, defaultConfig(), 'sandbox');
    expect(sandbox.length).toBeLessThan(plan.length / 2);
    for (const s of sandbox) expect(plan).toContain(s);
  });

  it('has unique step IDs that parse back into their parts', () => {
    for (const type of spec.identityManagementTypes) {
      const keys = planOf(type).map((s) => s.key);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
      for (const s of planOf(type)) expect(formatStepId(parseStepId(s.key))).toBe(s.key);
    }
    expect(() => parseStepId('CONNECT_MANAGED/nowhere/x')).toThrow(UsageError);
  });

  it('--only keeps the steps that check a selected requirement; --step keeps one step whatever it checks', () => {
    const plan = planOf('CONNECT_MANAGED');
    const only = selectSteps(plan, { ...defaultConfig(), only: ['EX-UNKNOWN-USER'] }, 'local');
    // The unknown-user check, and the label injections of UserId (unknown users too, which a decoding router would
    // read as a fixture's path).
    expect(only.map((s) => s.key)).toEqual([
      'CONNECT_MANAGED/existence/unknown-user',
      ...['encoded-slash', 'dot-segments', 'encoded-dot-segments', 'double-encoded', 'other-user'].map(
        (k) => `CONNECT_MANAGED/existence/label-injection:UserId:${k}`,
      ),
    ]);
    const step = plan.find((s) => s.id.phase === 'boundary')!;
    expect(selectSteps(plan, { ...defaultConfig(), only: ['ERR-MESSAGE'], step: step.key }, 'local')).toEqual([step]);
  });

  it('covering cases reach every requirement the boundary cases carry, one group at a time', () => {
    const cases = createGenerators(spec, 'CONNECT_MANAGED').boundaryCases();
    const covering = coveringCases(cases);
    const ids = (list: typeof cases) => new Set(list.flatMap((c) => c.requirementIds));
    expect(ids(cases.filter((c) => covering.has(c.id)))).toEqual(ids(cases));
    expect(new Set(cases.filter((c) => covering.has(c.id)).map((c) => c.group))).toEqual(new Set(cases.map((c) => c.group)));
  });
});
