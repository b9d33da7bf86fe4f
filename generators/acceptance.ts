// What a valid identity structure proves when it is accepted: the acceptance requirement IDs, from what the
// values are (a member at its upper bound, longer in UTF-16 units than its bound, a pattern member, free text).
// Omitting a member whose omission the catalogue only observes proves nothing: such a case is observed.
import type { ExpectedOutcome } from './case.ts';
import { accepted, observed } from './case.ts';
import type { Context } from './context.ts';
import { isFreeText } from './members.ts';
import { ACCEPTANCE, OBSERVED } from './named-requirements.ts';

export interface Acceptance {
  requirementIds: string[];
  expected: ExpectedOutcome;
}

export function acceptanceOf(ctx: Context, identity: Record<string, unknown>): Acceptance {
  const allowed = ctx.members.filter((p) => !p.forbidden);
  if (allowed.some((p) => p.omissionObserved && !(p.spec.name in identity))) {
    return { requirementIds: [OBSERVED.omittedMembers], expected: observed() };
  }
  const ids = new Set<string>([ACCEPTANCE.valid]);
  for (const plan of allowed) {
    const value = identity[plan.spec.name];
    if (typeof value !== 'string') continue;
    const max = plan.bounds.max;
    if (max !== undefined && ctx.validator.lengthOf(value) === max) ids.add(ACCEPTANCE.modelBounds);
    if (max !== undefined && value.length > max) ids.add(ACCEPTANCE.lengthInCodePoints);
    if (plan.spec.readingsKeyword) ids.add(ACCEPTANCE.patternValues[plan.spec.readingsKeyword]);
    if (isFreeText(plan)) ids.add(ACCEPTANCE.freeText);
  }
  const applies = (id: string) => ctx.catalogue.get(id).appliesTo.includes(ctx.type);
  return { requirementIds: [...ids].filter(applies), expected: accepted(ctx.spec) };
}
