// What a valid identity structure proves when it is accepted: the acceptance requirement IDs, from what the
// values are (a member at its upper bound, longer in UTF-16 units than its bound, a pattern member, free text).
// Omitting a member whose omission the catalogue only observes proves nothing: such a case is observed.
import type { ExpectedOutcome } from './case.ts';
import { accepted, observed } from './case.ts';
import type { ObservedCombination } from '../spec/index.ts';
import type { Context, MemberPlan } from './context.ts';
import { isFreeText } from './members.ts';
import { ACCEPTANCE, OBSERVED } from './named-requirements.ts';

export interface Acceptance {
  requirementIds: string[];
  expected: ExpectedOutcome;
}

/** Whether a structure matches one combination of x-observed-combinations (JSON null counts as absent). */
function matches(when: ObservedCombination['when'][number], identity: Record<string, unknown>): boolean {
  const present = (m: string) => identity[m] !== undefined && identity[m] !== null;
  return Object.entries(when.equals).every(([m, v]) => identity[m] === v) && when.absent.every((m) => !present(m));
}

/** The observed requirements a structure touches through x-observed-combinations (none for a body without one). */
export function observedCombinationIds(ctx: Context, body: unknown): string[] {
  const identity = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[ctx.identityMember] : undefined;
  if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) return [];
  return ctx.spec.observedCombinations
    .filter((c) => c.when.some((w) => matches(w, identity as Record<string, unknown>)))
    .map((c) => ctx.catalogue.observing(c.address).id);
}

/**
 * The acceptance requirements one member value proves: those that `accepts` the constraint it meets (any value of an
 * enum or a pattern, a value at a bound); otherwise, for a text member, the named ones (a member at its upper bound,
 * longer in UTF-16 units than its bound, a pattern member, free text).
 */
function provenBy(ctx: Context, plan: MemberPlan, value: unknown): string[] {
  const m = plan.spec;
  const at = (keyword: string) => ctx.catalogue.accepting(`${plan.address}.${keyword}`).map((r) => r.id);
  if (typeof value === 'number')
    return [
      ...(value === m.minimum ? at('minimum') : []),
      ...(value === m.maximum ? at('maximum') : []),
      ...(value === m.documentedMaximum ? at('x-documented-maximum') : []),
    ];
  if (typeof value !== 'string') return [];
  if (m.enum) return at('enum');
  const ids: string[] = [];
  const max = plan.bounds.max;
  if (max !== undefined && ctx.validator.lengthOf(value) === max) ids.push(ACCEPTANCE.modelBounds);
  if (max !== undefined && value.length > max) ids.push(ACCEPTANCE.lengthInCodePoints);
  if (m.readingsKeyword) {
    const accepting = at(m.readingsKeyword);
    ids.push(...(accepting.length ? accepting : [ACCEPTANCE.patternValues[m.readingsKeyword]]));
  }
  if (isFreeText(plan)) ids.push(ACCEPTANCE.freeText);
  return ids;
}

export function acceptanceOf(ctx: Context, identity: Record<string, unknown>): Acceptance {
  const allowed = ctx.members.filter((p) => !p.forbidden);
  const omitted = allowed.some((p) => p.omissionObserved && !(p.spec.name in identity)) ? [OBSERVED.omittedMembers] : [];
  const combinations = observedCombinationIds(ctx, { [ctx.identityMember]: identity });
  if (omitted.length || combinations.length) return { requirementIds: [...omitted, ...combinations], expected: observed() };
  const ids = new Set<string>([ACCEPTANCE.valid]);
  for (const plan of allowed) for (const id of provenBy(ctx, plan, identity[plan.spec.name])) ids.add(id);
  const applies = (id: string) => ctx.catalogue.get(id).appliesTo.includes(ctx.type);
  return { requirementIds: [...ids].filter(applies), expected: accepted(ctx.spec) };
}
