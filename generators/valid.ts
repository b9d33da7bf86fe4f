// Valid requests: every member the type allows present or absent, strings at and near every bound, labels
// realistic and arbitrary. Members the type forbids never appear.
import fc from 'fast-check';
import type { EffectState, MemberValue } from '../core/binding.ts';
import type { Case } from './case.ts';
import type { Context } from './context.ts';
import type { MemberValues } from './members.ts';
import { validCase } from './build.ts';
import { observedCombinationIds } from './acceptance.ts';
import { labelSamples, labelValues } from './labels.ts';

export type { EffectState };

/** A boundary group: the cases about one subject (a member, a label, or the structure as a whole). */
export interface Group {
  name: string;
  cases: Case[];
}

const dropUndefined = (record: Record<string, MemberValue | undefined>): EffectState =>
  Object.fromEntries(Object.entries(record).filter((e): e is [string, MemberValue] => e[1] !== undefined));

/**
 * Random valid identity structures. A member whose omission is only observed is always present unless
 * `omitObserved`, and then rarely absent; other allowed members are present half of the time.
 */
export function identityArbitrary(ctx: Context, values: Map<string, MemberValues>, omitObserved: boolean): fc.Arbitrary<EffectState> {
  // A member whose absence alone is an observed combination (x-observed-combinations) is treated as one whose
  // omission is observed; a structure that matches another combination is observed, never valid, unless omitObserved.
  const observedAbsent = new Set(
    ctx.spec.observedCombinations.flatMap((c) => c.when.filter((w) => !Object.keys(w.equals).length).flatMap((w) => w.absent)),
  );
  const entries = ctx.members
    .filter((p) => !p.forbidden)
    .map((p) => {
      const value = values.get(p.spec.name)!.arbitrary;
      const observed = p.omissionObserved || observedAbsent.has(p.spec.name);
      if (observed && !omitObserved) return [p.spec.name, value] as const;
      return [p.spec.name, fc.option(value, { nil: undefined, freq: observed ? 8 : 2 })] as const;
    });
  const identities = fc.record(Object.fromEntries(entries)).map(dropUndefined);
  return omitObserved || !ctx.spec.observedCombinations.length
    ? identities
    : identities.filter((identity) => !observedCombinationIds(ctx, { [ctx.identityMember]: identity }).length);
}

/** Random valid cases, some of them without a member whose omission is only observed. */
export function validCaseArbitrary(ctx: Context, values: Map<string, MemberValues>): fc.Arbitrary<Case> {
  // The checks aim every case at their fixtures (withLabels), so the labels never shrink: shrinking them would spend
  // the bounded shrink budget re-sending the same request.
  return fc
    .tuple(fc.noShrink(labelValues(ctx)), identityArbitrary(ctx, values, true))
    .map(([labels, identity]) => validCase(ctx, 'random:valid', labels, identity));
}

/** The deterministic structure boundary cases start from: every allowed member at its typical value. */
export function baseIdentity(ctx: Context, values: Map<string, MemberValues>): EffectState {
  return Object.fromEntries(ctx.members.filter((p) => !p.forbidden).map((p) => [p.spec.name, values.get(p.spec.name)!.base]));
}

/** Valid boundary cases, grouped by subject: the whole structure, each allowed member, each label. */
export function validBoundaryGroups(ctx: Context, values: Map<string, MemberValues>, labels: Record<string, string>): Group[] {
  const base = baseIdentity(ctx, values);
  const id = (subject: string, variant: string) => `boundary:valid:${subject}:${variant}`;
  const groups: Group[] = [
    {
      name: 'valid:structure',
      cases: [validCase(ctx, id('structure', 'all-members'), labels, base), validCase(ctx, id('structure', 'no-members'), labels, {})],
    },
  ];
  for (const plan of ctx.members.filter((p) => !p.forbidden)) {
    const name = plan.spec.name;
    const without = Object.fromEntries(Object.entries(base).filter(([k]) => k !== name));
    const cases = [validCase(ctx, id(name, 'absent'), labels, without)];
    for (const [variant, value] of Object.entries(values.get(name)!.samples))
      cases.push(validCase(ctx, id(name, variant), labels, { ...base, [name]: value }));
    groups.push({ name: `valid:${name}`, cases });
  }
  // One structure per observed combination (x-observed-combinations): the base with its values set and its absent
  // members left out; observed, never judged (docs/contract-phone-config.md P7-P9).
  for (const combination of ctx.spec.observedCombinations) {
    const cases = combination.when.map((w, i) => {
      const identity: EffectState = { ...base, ...w.equals };
      for (const m of w.absent) delete identity[m];
      return validCase(ctx, id(`combination:${combination.name}`, String(i + 1)), labels, identity);
    });
    groups.push({ name: `valid:combination:${combination.name}`, cases });
  }
  for (const label of ctx.labels) {
    const cases = Object.entries(labelSamples(ctx, label)).map(([variant, value]) =>
      validCase(ctx, id(label.name, variant), { ...labels, [label.name]: value }, base),
    );
    groups.push({ name: `valid:${label.name}`, cases });
  }
  return groups;
}
