// The fail-closed oracle. Every case is judged again by the spec's own validator (createValidator) and catalogue
// (requirementsOf): a valid case must pass with no violation and no ambiguity; an invalid case must violate
// exactly the requirements it names; a wire case must show exactly the anomalies it names; an observed case must
// show exactly the readings that disagree on it. Anything else throws a CaseMismatchError naming the case and the
// mismatch, so a wrong label can never reach a suite.
//
// What the validator cannot see is judged here, from the spec: a label's bytes (the `LABEL.encoding` constraint:
// the validator reads decoded labels), and the raw body's null and unknown members (the validator counts a null
// as absent and ignores members the schema does not define).
import type { ValidationResult } from '../spec/index.ts';
import type { Case, ExpectedOutcome } from './case.ts';
import { observed, rejected } from './case.ts';
import type { Context } from './context.ts';
import { isSafeBody, validate } from './context.ts';
import { acceptanceOf } from './acceptance.ts';
import { resolutions } from './json-resolutions.ts';
import { decodeLabel, pathOf } from './labels.ts';
import { OBSERVED } from './named-requirements.ts';

export class CaseMismatchError extends Error {
  constructor(
    readonly caseId: string,
    readonly problems: string[],
  ) {
    super(`generated case ${caseId} is not what its label says: ${problems.join('; ')}`);
    this.name = 'CaseMismatchError';
  }
}

/** What the oracle finds in a case, as requirement IDs. */
interface Findings {
  violated: string[];
  ambiguous: string[];
  /** Observed requirements the request touches (content type, size, duplicate keys, null or unknown members). */
  anomalies: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, key: string) => Object.hasOwn(o, key);

/** The requirement a label whose bytes do not decode strictly violates: the one claiming `LABEL.encoding`. */
function encodingViolation(ctx: Context, label: string, problems: string[]): string | undefined {
  const address = `${label}.encoding`;
  const c = ctx.spec.constraints.find((x) => x.address === address);
  if (c?.value !== 'utf-8') {
    problems.push(`the label ${label} is not UTF-8, but the spec has no constraint ${address} of utf-8 to say what that is`);
    return undefined;
  }
  return ctx.catalogue.claiming(address).id;
}

/**
 * Null and unknown members of a raw body, as the observed requirements they touch. A member is unknown when the
 * schema at its level (the body, or the identity structure) does not define it. A defined member sent as null
 * counts as absent (x-protocol.nullIsAbsent): where it must be present that is its violation (the validator finds
 * it), elsewhere it is OBS-NULL-MEMBER; a null where the type forbids the member would hide a violation from a
 * target that reads null as present, so no case may carry one.
 */
function bodyAnomalies(ctx: Context, body: unknown, problems: string[]): string[] {
  if (!isObject(body)) return [];
  const schema = (ctx.spec.operation.bodySchema ?? {}) as { properties?: Record<string, Json>; required?: string[] };
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const rules = ctx.spec.typeRules[ctx.type]!;
  const nullIsAbsent = ctx.spec.protocol.nullIsAbsent;
  const out = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (!has(properties, key)) out.add(OBSERVED.unknownMember);
    else if (value === null && nullIsAbsent && !required.includes(key)) out.add(OBSERVED.nullMember);
  }
  const identity = body[ctx.identityMember];
  const members = (properties[ctx.identityMember]?.properties ?? {}) as Json;
  if (!isObject(identity)) return [...out];
  for (const [key, value] of Object.entries(identity)) {
    if (!has(members, key)) out.add(OBSERVED.unknownMember);
    else if (value === null && nullIsAbsent && !rules.required.includes(key)) {
      if (rules.forbidden.includes(key))
        problems.push(
          `${ctx.identityMember}.${key} is null, which counts as absent, but ${ctx.type} forbids it: the null hides a violation`,
        );
      out.add(OBSERVED.nullMember);
    }
  }
  return [...out];
}

/** The body as the validator reads it: with nulls removed where they count as absent. */
function effectiveIdentity(ctx: Context, body: unknown): Json | undefined {
  const identity = isObject(body) ? body[ctx.identityMember] : undefined;
  if (!isObject(identity)) return undefined;
  return ctx.spec.protocol.nullIsAbsent ? Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== null)) : identity;
}

const sorted = (ids: string[]) => [...new Set(ids)].sort();
const same = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const json = (v: unknown) => JSON.stringify(v);

function judged(ctx: Context, verdict: ValidationResult): Pick<Findings, 'violated' | 'ambiguous'> {
  return ctx.catalogue.requirementsOf(verdict);
}

function header(c: Case, name: string): string | undefined {
  return Object.entries(c.wire.headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** A case the SDK or the validator reads as a value: the wire form must be exactly that value. */
function inspectValue(ctx: Context, c: Case, problems: string[]): Findings {
  if (c.wire.body !== json(c.body)) problems.push('the wire body is not the JSON text of the body');
  if (c.wire.path !== pathOf(ctx, c.wire.encodedLabels)) problems.push('the wire path does not hold the encoded labels');
  for (const [name, encoded] of Object.entries(c.wire.encodedLabels)) {
    if (decodeLabel(encoded).strict !== c.labels[name]) problems.push(`the wire label ${name} does not decode to the label`);
  }
  if (header(c, 'content-type') !== ctx.mediaType) problems.push(`the content type is not ${ctx.mediaType}`);
  return { ...judged(ctx, validate(ctx, c.labels, c.body)), anomalies: bodyAnomalies(ctx, c.body, problems) };
}

/** A raw request: decode its labels, parse its body both ways, and look at its headers and size. */
function inspectWire(ctx: Context, c: Case, problems: string[]): Findings {
  const anomalies: string[] = [];
  const badLabels: string[] = [];
  if (c.wire.path !== pathOf(ctx, c.wire.encodedLabels)) problems.push('the wire path does not hold the encoded labels');
  for (const label of ctx.labels) {
    const encoded = c.wire.encodedLabels[label.name];
    if (encoded === undefined) {
      problems.push(`the wire has no label ${label.name}`);
      continue;
    }
    const decoded = decodeLabel(encoded);
    if (decoded.strict === undefined) {
      const id = encodingViolation(ctx, label.name, problems);
      if (id) badLabels.push(id);
    }
    if ((decoded.strict ?? decoded.lenient) !== c.labels[label.name])
      problems.push(`the wire label ${label.name} does not decode to the label`);
  }
  if (header(c, 'content-type') !== ctx.mediaType) anomalies.push(OBSERVED.contentType);
  if (Buffer.byteLength(c.wire.body) >= ctx.options.oversizedBodyBytes) anomalies.push(OBSERVED.bodySize);
  const withLabels = (f: Pick<Findings, 'violated' | 'ambiguous'>): Pick<Findings, 'violated' | 'ambiguous'> => ({
    ...f,
    violated: [...badLabels, ...f.violated],
  });

  const parsed = ctx.validator.parseBody(c.wire.body);
  if (!parsed.ok) {
    if (c.body !== undefined) problems.push('the body text is not JSON, yet the case gives a body');
    if (parsesBothWays(c.wire.body)) problems.push('the spec cannot parse the body text, but a JSON parser can');
    return { ...withLabels(judged(ctx, { violations: [parsed.finding], ambiguities: [] })), anomalies };
  }
  if (json(parsed.value) !== json(c.body)) problems.push('the body is not what the body text parses to');
  const both = resolutions(c.wire.body);
  const last = judged(ctx, validate(ctx, c.labels, both.last));
  anomalies.push(...bodyAnomalies(ctx, both.last, problems));
  if (both.duplicated) {
    anomalies.push(OBSERVED.duplicateKeys, ...bodyAnomalies(ctx, both.first, problems));
    const first = judged(ctx, validate(ctx, c.labels, both.first));
    if (!same(first.violated, last.violated) || !same(first.ambiguous, last.ambiguous)) {
      problems.push(
        `the duplicate keys resolve to requests judged differently (first wins: ${first.violated.join(', ') || 'valid'}; last wins: ${last.violated.join(', ') || 'valid'})`,
      );
    }
  }
  return { ...withLabels(last), anomalies: [...new Set(anomalies)] };
}

function parsesBothWays(text: string): boolean {
  try {
    resolutions(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The label and outcome the findings call for, given the case's kind. A case that violates something is rejected
 * and names exactly its violations; one that violates nothing (but is not `valid`) is observed and names exactly
 * what it observes: its wire anomalies, the readings that disagree on it, and a name it omits (OBS-OMITTED-NAMES,
 * which a null member can also cause).
 */
function expectation(ctx: Context, c: Case, f: Findings, problems: string[]): { ids: string[]; expected: ExpectedOutcome } {
  if (c.kind === 'valid') {
    if (f.ambiguous.length) problems.push(`readings disagree on it (${f.ambiguous.join(', ')})`);
    if (f.violated.length || f.anomalies.length) problems.push(`a valid case violates ${[...f.violated, ...f.anomalies].join(', ')}`);
    const identity = (c.body as Record<string, unknown> | undefined)?.[ctx.identityMember];
    const a = acceptanceOf(ctx, (identity ?? {}) as Record<string, unknown>);
    return { ids: a.requirementIds, expected: a.expected };
  }
  if (c.kind === 'invalid' && f.anomalies.length) problems.push(`an invalid case has wire anomalies (${f.anomalies.join(', ')})`);
  if (c.kind === 'observed' && f.anomalies.length)
    problems.push(`an observed case has wire anomalies (${f.anomalies.join(', ')}): it is a wire case`);
  if (f.violated.length) {
    if (c.kind === 'observed') problems.push(`an observed case violates ${f.violated.join(', ')}`);
    if (f.anomalies.length) problems.push('a case is both invalid and anomalous');
    if (f.ambiguous.length) problems.push(`readings disagree on it (${f.ambiguous.join(', ')})`);
    return { ids: f.violated, expected: rejected(ctx.spec, ctx.catalogue, f.violated) };
  }
  if (c.kind === 'observed' && !f.ambiguous.length) problems.push('the readings agree on it: an observed case observes nothing');
  const identity = effectiveIdentity(ctx, c.body);
  // What the structure itself leaves observed: a name it omits (OBS-OMITTED-NAMES), a combination the material leaves
  // open (x-observed-combinations).
  const acceptance = identity ? acceptanceOf(ctx, identity) : undefined;
  const omitted = acceptance?.expected.outcome === 'observed' ? acceptance.requirementIds : [];
  const ids = [...f.anomalies, ...f.ambiguous, ...omitted];
  if (c.kind === 'invalid' || !ids.length) problems.push('it violates nothing');
  return { ids, expected: observed() };
}

/** Re-checks a case; returns it unchanged or throws CaseMismatchError. */
export function recheck(ctx: Context, c: Case): Case {
  const problems: string[] = [];
  if (c.identityManagementType !== ctx.type) problems.push(`it was made for ${c.identityManagementType}, not ${ctx.type}`);
  if (c.wire.method !== ctx.spec.operation.method) problems.push(`the method is not ${ctx.spec.operation.method}`);
  if (!isSafeBody(ctx, c.wire.body))
    problems.push('the body holds an address outside a reserved domain, or a number not reserved for fiction (docs/contract.md A9)');
  const findings = c.kind === 'wire' ? inspectWire(ctx, c, problems) : inspectValue(ctx, c, problems);
  const want = expectation(ctx, c, findings, problems);
  if (!same(c.requirementIds, want.ids))
    problems.push(
      `labelled ${sorted(c.requirementIds).join(', ') || 'nothing'} but the oracle finds ${sorted(want.ids).join(', ') || 'nothing'}`,
    );
  if (json(c.expected) !== json(want.expected)) problems.push(`expects ${json(c.expected)} but its label calls for ${json(want.expected)}`);
  if (problems.length) throw new CaseMismatchError(c.id, problems);
  return c;
}
