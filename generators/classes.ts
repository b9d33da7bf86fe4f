// Coverage by construction: the kinds of valid value of the spec (x-value-classes: digits, an apostrophe, inner and
// edge spaces, capitals, astral characters, plus addressing, long domains...), each sent to every member whose
// constraints accept it. Nothing here names a class or a member: a class applies to a member of a type when one of its
// values, in one of the forms below, is judged valid for that member by the spec's validator (schema, per-type rules,
// NFC, every reading of a pattern) and is safe to send (context.ts isSafeValue); a new member gets its classes from its
// constraints, a new class reaches every member that accepts it.
//
// The forms of a class in a member:
//   alone     a value of the class as the spec writes it (padded with the filler to the member's lower bound);
//   at-bound  the class's last value stretched with the filler, in its middle, to the member's upper bound;
//   inside    a value of the class placed into the member's neutral value: its typical value with every character
//             the filler can replace replaced (so the class is the only thing in it beyond what the pattern needs).
// A member without a pattern takes the class alone or at its bound; one with a pattern takes a whole value of the
// class when its pattern accepts one (an address), else the class inside its neutral value.
//
// One boundary case per class carries the class in every member it applies to (the others keep their typical values):
// a target that refuses the class fails that case, and the case names the class. The members with an upper bound
// alternate between `alone` and `at-bound`, starting differently for each identity management type, so that every
// member meets both forms across the types without a second case per class (the request budget).
import type { ValueClass } from '../spec/index.ts';
import type { Case } from './case.ts';
import { validCase } from './build.ts';
import type { Context, MemberPlan } from './context.ts';
import { judgeMember } from './context.ts';
import { isMailSafe } from './mail-safe.ts';
import { isText, textValues, type MemberValues } from './members.ts';
import type { Group, EffectState } from './valid.ts';

type ClassForm = 'alone' | 'at-bound' | 'inside';

/** What one class of the spec gives one identity management type. */
export interface ClassCoverage {
  name: string;
  description: string;
  /** The value each member it applies to gets, with its form, in schema order. */
  members: { member: string; form: ClassForm; value: string }[];
  /** Members the type allows that no value of the class fits (their constraints refuse it). */
  notApplicable: string[];
}

const codePoints = (s: string) => [...s];

/** Grapheme clusters: a value is cut only between them, so that no mark is moved onto the filler. */
const graphemes = (s: string): string[] => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].map((x) => x.segment);

/** `value` with the filler inserted between its two halves (by grapheme) until it has `n` code points. */
export function stretch(value: string, n: number, filler: string): string {
  const g = graphemes(value);
  const head = g.slice(0, Math.ceil(g.length / 2)).join('');
  const tail = g.slice(Math.ceil(g.length / 2)).join('');
  return head + filler.repeat(Math.max(0, n - codePoints(value).length)) + tail;
}

/** Throws unless every value of every class is safe by the generators' own rule (mail-safe.ts); the loader checked the
 * rest (NFC, the guard's rules): a class value that cannot be sent is the spec's error, never a silent omission. */
function checkSafe(classes: ValueClass[]): void {
  for (const c of classes) {
    const unsafe = c.values.find((v) => !isMailSafe(v));
    if (unsafe !== undefined)
      throw new Error(
        `x-value-classes ${c.name}: ${JSON.stringify(unsafe)} holds an address outside the reserved top-level domains (.invalid, .test, .example)`,
      );
  }
}

/** The member's typical value with every code point the filler can replace (keeping it valid) replaced. */
function neutralValue(ctx: Context, plan: MemberPlan, base: string, labels: Record<string, string>): string {
  const filler = ctx.spec.valueClasses.filler;
  const cps = codePoints(base);
  for (let i = 0; i < cps.length; i++) {
    if (cps[i] === filler) continue;
    const tried = [...cps.slice(0, i), filler, ...cps.slice(i + 1)];
    if (judgeMember(ctx, plan, tried.join(''), labels) === 'valid') cps[i] = filler;
  }
  return cps.join('');
}

/** The first value of the class placed into `neutral` (at the first position the member accepts), if any. */
function inside(valid: (v: string) => boolean, neutral: string, values: string[]): string | undefined {
  const cps = codePoints(neutral);
  for (const value of values) {
    for (let i = 0; i <= cps.length; i++) {
      const placed = [...cps.slice(0, i), value, ...cps.slice(i)].join('');
      if (valid(placed)) return placed;
    }
  }
  return undefined;
}

/** Every class of the spec for the context's identity management type. */
export function classCoverage(ctx: Context, values: Map<string, MemberValues>, labels: Record<string, string>): ClassCoverage[] {
  const { filler, classes } = ctx.spec.valueClasses;
  checkSafe(classes);
  // The classes are kinds of text: they reach the text members (an enum, a boolean or a number takes none).
  const allowed = ctx.members.filter((p) => !p.forbidden && isText(p));
  const bounded = allowed.filter((p) => p.bounds.max !== undefined);
  const typeIndex = ctx.spec.identityManagementTypes.indexOf(ctx.type);
  const neutral = new Map<string, string>();
  const neutralOf = (plan: MemberPlan) => {
    const name = plan.spec.name;
    if (!neutral.has(name)) neutral.set(name, neutralValue(ctx, plan, textValues(values.get(name)!).base, labels));
    return neutral.get(name)!;
  };
  return classes.map((c) => {
    const members: ClassCoverage['members'] = [];
    const notApplicable: string[] = [];
    for (const plan of allowed) {
      const name = plan.spec.name;
      const valid = (v: string) => judgeMember(ctx, plan, v, labels) === 'valid';
      const pad = (v: string) => (codePoints(v).length < plan.bounds.min ? stretch(v, plan.bounds.min, filler) : v);
      const alone = c.values.map(pad).find(valid);
      const b = bounded.indexOf(plan);
      const long = b >= 0 && (b + typeIndex) % 2 === 0 ? stretch(c.values.at(-1)!, plan.bounds.max!, filler) : undefined;
      if (alone !== undefined && long !== undefined && valid(long)) members.push({ member: name, form: 'at-bound', value: long });
      else if (alone !== undefined) members.push({ member: name, form: 'alone', value: alone });
      else {
        const placed = plan.spec.readings.length || plan.spec.pattern !== undefined ? inside(valid, neutralOf(plan), c.values) : undefined;
        if (placed !== undefined) members.push({ member: name, form: 'inside', value: placed });
        else notApplicable.push(name);
      }
    }
    return { name: c.name, description: c.description, members, notApplicable };
  });
}

/** The boundary group of the classes: one valid case per class that applies to some member of the type. */
export function classGroup(ctx: Context, coverage: ClassCoverage[], base: EffectState, labels: Record<string, string>): Group {
  const cases: Case[] = coverage
    .filter((c) => c.members.length > 0)
    .map((c) =>
      validCase(ctx, `boundary:valid:class:${c.name}`, labels, {
        ...base,
        ...Object.fromEntries(c.members.map((m) => [m.member, m.value])),
      }),
    );
  return { name: 'valid:class', cases };
}
