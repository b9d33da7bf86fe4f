// Values on which the readings of a pattern disagree (OBS-MOBILE-READINGS, OBS-SECONDARYEMAIL-READINGS), found from the
// spec rather than written down: starting from values every reading accepts (the member's pattern profile), a bounded
// search over small edits (junk before the value, after it, or around it) for the first value that the validator
// reports as an ambiguity of that member and nothing else. Each such value becomes an `observed` case, valid in every
// other respect, labelled with the requirement that records the ambiguity (catalogue.recordingAmbiguity).
//
// The readings of a member may agree on every edit tried (equivalent readings, or a member the type forbids):
// then the search says so, with how much it tried, and no case carries that requirement. That outcome is part of
// the generators' interface (Generators.readingSearches), not a silence.
import fc from 'fast-check';
import type { Draft } from './build.ts';
import type { Context, MemberPlan } from './context.ts';
import { isSafeValue, validate, within } from './context.ts';
import type { Sources } from './invalid.ts';
import type { EffectState } from './valid.ts';
import type { ObservedVariant } from './wire.ts';
import { textValues } from './members.ts';

/** Small edits of a valid value with a piece of junk. */
const EDITS: Record<string, (value: string, junk: string) => string> = {
  prefix: (v, j) => j + v,
  suffix: (v, j) => v + j,
  surround: (v, j) => j + v + j,
};

/** Junk the deterministic search tries, in order: text, whitespace, and the symbols patterns care about. */
const JUNK = ['abc', ' ', ' trailing', '\t', '\u00a0', 'x', '0', '.', '-', '+', '@', '#', '/'];

/** Random junk for the random phase: the same pieces, printable ASCII, and a little Unicode. */
const randomJunk = fc.oneof(
  fc.constantFrom(...JUNK),
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
);

/** What the bounded search found for one member with readings. */
export type ReadingsSearch = {
  /** The requirement that records the disagreements (ambiguityOf the member's constraint). */
  requirementId: string;
  member: string;
  /** The constraint whose readings are searched: `<member>.Mobile.pattern`. */
  address: string;
  /** Candidate values judged. */
  tried: number;
} & ({ found: true; edit: string; junk: string; value: string } | { found: false; reason: string });

/** True when the readings disagree on `value` for this member and nothing else is wrong with it. */
function onlyAmbiguous(ctx: Context, plan: MemberPlan, value: string, labels: Record<string, string>): boolean {
  const verdict = validate(ctx, labels, { [ctx.identityMember]: { [plan.spec.name]: value } });
  const address = `${plan.address}.${plan.spec.readingsKeyword}`;
  return (
    verdict.violations.length === 0 &&
    verdict.ambiguities.length > 0 &&
    verdict.ambiguities.every((f) => f.address === address) &&
    within(ctx, plan.bounds, value) &&
    isSafeValue(ctx, value)
  );
}

/** The deterministic search: every start, every edit, every junk, in order, up to the search limit. */
function searchDisagreement(ctx: Context, plan: MemberPlan, starts: string[], labels: Record<string, string>): ReadingsSearch {
  const address = `${plan.address}.${plan.spec.readingsKeyword}`;
  const head = { requirementId: ctx.catalogue.recordingAmbiguity(address).id, member: plan.spec.name, address };
  if (plan.forbidden) return { ...head, tried: 0, found: false, reason: `${ctx.type} forbids ${plan.spec.name}, so no case may carry it` };
  const limit = ctx.options.searchLimit;
  let tried = 0;
  for (const start of [...new Set(starts)]) {
    for (const [edit, apply] of Object.entries(EDITS)) {
      for (const junk of JUNK) {
        if (tried >= limit) return { ...head, tried, found: false, reason: `no disagreement within the search limit of ${limit} values` };
        const value = apply(start, junk);
        tried++;
        if (onlyAmbiguous(ctx, plan, value, labels)) return { ...head, tried, found: true, edit, junk, value };
      }
    }
  }
  return {
    ...head,
    tried,
    found: false,
    reason: `the readings agree on every ${Object.keys(EDITS).join(', ')} edit of ${new Set(starts).size} valid value(s) with ${JUNK.length} pieces of junk`,
  };
}

/**
 * One group per member with readings whose search found a disagreement: a single variant, named by its edit. Its
 * random draft applies the same edit to a random valid value with random junk, falling back to the found junk,
 * then to the found value, where the readings happen to agree.
 */
export function readingVariants(s: Sources): { groups: ObservedVariant[][]; searches: ReadingsSearch[] } {
  const ctx = s.ctx;
  const groups: ObservedVariant[][] = [];
  const searches: ReadingsSearch[] = [];
  for (const plan of ctx.members.filter((p) => p.spec.readings.length > 0)) {
    const values = textValues(s.values.get(plan.spec.name)!);
    const search = searchDisagreement(ctx, plan, [values.base, ...Object.values(values.samples)], s.labels);
    searches.push(search);
    if (!search.found) continue;
    const apply = EDITS[search.edit]!;
    const pick = (value: string, junk: string) =>
      [apply(value, junk), apply(value, search.junk)].find((v) => onlyAmbiguous(ctx, plan, v, s.labels)) ?? search.value;
    const draft = (labels: Record<string, string>, identity: EffectState, value: string): Draft => ({
      labels,
      body: { [ctx.identityMember]: { ...identity, [plan.spec.name]: value } },
    });
    groups.push([
      {
        name: search.edit,
        requirementId: search.requirementId,
        kind: 'observed',
        boundary: draft(s.labels, s.base, search.value),
        random: fc
          .tuple(s.randomLabels, s.randomIdentity, values.arbitrary, randomJunk)
          .map(([labels, identity, value, junk]) => draft(labels, identity, pick(value, junk))),
      },
    ]);
  }
  return { groups, searches };
}
