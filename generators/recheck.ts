// The fail-closed oracle. Every case is judged again by the spec's own validator (createValidator) and catalogue
// (requirementsOf): a valid case must pass with no violation and no ambiguity; an invalid case must violate
// exactly the requirements it names; a wire case must show exactly the anomalies it names. Anything else throws a
// CaseMismatchError naming the case and the mismatch, so a wrong label can never reach a suite.
import type { Verdict } from '../spec/index.ts';
import type { Case, ExpectedOutcome } from './case.ts';
import { observed, rejected } from './case.ts';
import type { Context } from './context.ts';
import { validate } from './context.ts';
import { acceptanceOf } from './acceptance.ts';
import { resolutions } from './json-resolutions.ts';
import { decodeLabel, pathOf } from './labels.ts';
import { isMailSafe } from './mail-safe.ts';
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
  /** Observed requirements the request touches (content type, size, duplicate keys, label bytes). */
  anomalies: string[];
}

const sorted = (ids: string[]) => [...new Set(ids)].sort();
const same = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const json = (v: unknown) => JSON.stringify(v);

function judged(ctx: Context, verdict: Verdict): Pick<Findings, 'violated' | 'ambiguous'> {
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
  return { ...judged(ctx, validate(ctx, c.labels, c.body)), anomalies: [] };
}

/** A raw request: decode its labels, parse its body both ways, and look at its headers and size. */
function inspectWire(ctx: Context, c: Case, problems: string[]): Findings {
  const anomalies: string[] = [];
  if (c.wire.path !== pathOf(ctx, c.wire.encodedLabels)) problems.push('the wire path does not hold the encoded labels');
  for (const label of ctx.labels) {
    const encoded = c.wire.encodedLabels[label.name];
    if (encoded === undefined) {
      problems.push(`the wire has no label ${label.name}`);
      continue;
    }
    const decoded = decodeLabel(encoded);
    if (decoded.strict === undefined) anomalies.push(OBSERVED.noServerError);
    if ((decoded.strict ?? decoded.lenient) !== c.labels[label.name]) problems.push(`the wire label ${label.name} does not decode to the label`);
  }
  if (header(c, 'content-type') !== ctx.mediaType) anomalies.push(OBSERVED.contentType);
  if (Buffer.byteLength(c.wire.body) >= ctx.options.oversizedBodyBytes) anomalies.push(OBSERVED.bodySize);

  const parsed = ctx.validator.parseBody(c.wire.body);
  if (!parsed.ok) {
    if (c.body !== undefined) problems.push('the body text is not JSON, yet the case gives a body');
    if (parsesBothWays(c.wire.body)) problems.push('the spec cannot parse the body text, but a JSON parser can');
    return { ...judged(ctx, { violations: [parsed.finding], ambiguities: [] }), anomalies };
  }
  if (json(parsed.value) !== json(c.body)) problems.push('the body is not what the body text parses to');
  const both = resolutions(c.wire.body);
  const last = judged(ctx, validate(ctx, c.labels, both.last));
  if (both.duplicated) {
    anomalies.push(OBSERVED.duplicateKeys);
    const first = judged(ctx, validate(ctx, c.labels, both.first));
    if (!same(first.violated, last.violated) || !same(first.ambiguous, last.ambiguous)) {
      problems.push(`the duplicate keys resolve to requests judged differently (first wins: ${first.violated.join(', ') || 'valid'}; last wins: ${last.violated.join(', ') || 'valid'})`);
    }
  }
  return { ...last, anomalies };
}

function parsesBothWays(text: string): boolean {
  try {
    resolutions(text);
    return true;
  } catch {
    return false;
  }
}

/** The label and outcome the findings call for, given the case's kind. */
function expectation(ctx: Context, c: Case, f: Findings, problems: string[]): { ids: string[]; expected: ExpectedOutcome } {
  if (f.ambiguous.length) problems.push(`readings disagree on it (${f.ambiguous.join(', ')})`);
  if (c.kind === 'valid') {
    if (f.violated.length || f.anomalies.length) problems.push(`a valid case violates ${[...f.violated, ...f.anomalies].join(', ')}`);
    const identity = (c.body as Record<string, unknown> | undefined)?.[ctx.identityMember];
    const a = acceptanceOf(ctx, (identity ?? {}) as Record<string, unknown>);
    return { ids: a.requirementIds, expected: a.expected };
  }
  if (c.kind === 'invalid' && f.anomalies.length) problems.push(`an invalid case has wire anomalies (${f.anomalies.join(', ')})`);
  if (f.violated.length && f.anomalies.length) problems.push('a case is both invalid and anomalous');
  if (!f.violated.length && !f.anomalies.length) problems.push('it violates nothing');
  const expected = f.violated.length ? rejected(ctx.spec, ctx.catalogue, f.violated) : observed();
  return { ids: [...f.violated, ...f.anomalies], expected };
}

/** Re-checks a case; returns it unchanged or throws CaseMismatchError. */
export function recheck(ctx: Context, c: Case): Case {
  const problems: string[] = [];
  if (c.identityManagementType !== ctx.type) problems.push(`it was made for ${c.identityManagementType}, not ${ctx.type}`);
  if (c.wire.method !== ctx.spec.operation.method) problems.push(`the method is not ${ctx.spec.operation.method}`);
  if (!isMailSafe(c.wire.body)) problems.push('the body holds an address outside a reserved domain (contract A9)');
  const findings = c.kind === 'wire' ? inspectWire(ctx, c, problems) : inspectValue(ctx, c, problems);
  const want = expectation(ctx, c, findings, problems);
  if (!same(c.requirementIds, want.ids)) problems.push(`labelled ${sorted(c.requirementIds).join(', ') || 'nothing'} but the oracle finds ${sorted(want.ids).join(', ') || 'nothing'}`);
  if (json(c.expected) !== json(want.expected)) problems.push(`expects ${json(c.expected)} but its label calls for ${json(want.expected)}`);
  if (problems.length) throw new CaseMismatchError(c.id, problems);
  return c;
}
