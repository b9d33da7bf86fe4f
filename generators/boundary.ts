// The boundary phase: every bound and every way of violating every constraint, once, deterministically. Cases
// come in rounds: the first case of every group (each valid subject, each requirement), then the second of every
// group, and so on, so that the first N cases of a small budget still reach every input requirement.
import type { Case } from './case.ts';
import { invalidCase, observedCase } from './build.ts';
import type { InvalidVariant } from './invalid.ts';
import type { Group } from './valid.ts';
import type { ObservedVariant } from './wire.ts';
import type { Context } from './context.ts';

export function invalidGroups(ctx: Context, variants: Map<string, InvalidVariant[]>): Group[] {
  return [...variants].map(([id, list]) => ({
    name: id,
    cases: list.map((v) => invalidCase(ctx, `boundary:${id}:${v.name}`, v.requirementIds, v.boundary)),
  }));
}

export function observedGroups(ctx: Context, variants: ObservedVariant[][]): Group[] {
  return variants
    .filter((list) => list.length > 0)
    .map((list) => ({
      name: list[0]!.requirementId,
      cases: list.map((v) => observedCase(ctx, `boundary:${v.requirementId}:${v.name}`, [v.requirementId], v.boundary, v.kind)),
    }));
}

/** Round-robin over the groups; throws if two cases share an id. */
export function inRounds(groups: Group[]): Case[] {
  const out: Case[] = [];
  const longest = Math.max(...groups.map((g) => g.cases.length));
  for (let round = 0; round < longest; round++) for (const g of groups) if (g.cases[round]) out.push({ ...g.cases[round]!, group: g.name });
  const ids = new Set<string>();
  for (const c of out) {
    if (ids.has(c.id)) throw new Error(`two boundary cases share the id ${c.id}`);
    ids.add(c.id);
  }
  return out;
}
