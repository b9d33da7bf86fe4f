// A failure's evidence as plain text: the request and the response as they went over the wire (already
// redacted), the input as JSON, and the one block that JUnit carries.
import type { ShownRequest, ShownResponse } from '../core/redact.ts';
import type { RequirementResult, ResultFailure } from '../engine/results.ts';

export const inputText = (input: unknown): string => (input === undefined ? '(none)' : (JSON.stringify(input, null, 2) ?? String(input)));

const headerLines = (headers: Record<string, string>) => Object.entries(headers).map(([k, v]) => `${k}: ${v}`);

const clip = (s: string, max: number | undefined) =>
  max !== undefined && s.length > max ? `${s.slice(0, max)}… (${s.length} characters in all)` : s;

export function requestText(r: ShownRequest | undefined, maxBody?: number): string {
  if (!r) return '(no request was sent)';
  return [`${r.method} ${r.path}`, ...headerLines(r.headers), '', clip(r.body, maxBody) || '(empty body)'].join('\n');
}

export function responseText(r: ShownResponse | undefined, transportError?: string, maxBody?: number): string {
  if (!r) return transportError ? `(no response: ${transportError})` : '(no response)';
  return [`HTTP ${r.status}`, ...headerLines(r.headers), '', clip(r.body, maxBody) || '(empty body)'].join('\n');
}

const expectedText = (f: ResultFailure): string => f.expected.summary;

/** Where a random case came from: generator, seed, path. */
export function originText(f: ResultFailure): string {
  return [f.generator && `generator ${f.generator}`, f.seed !== undefined && `seed ${f.seed}`, f.path && `path ${f.path}`]
    .filter(Boolean)
    .join(', ');
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** The evidence of one requirement's failures, as the body of a JUnit <failure>. */
export function failureBlock(r: RequirementResult, maxBody = 2000): string {
  const head = `${r.id} [${r.level}] ${r.title}\n${r.failureCount} of ${r.cases} case(s) failed; ${r.failures.length} shown.`;
  const blocks = r.failures.map((f, i) =>
    [
      `--- failure ${i + 1}: case ${f.caseId}${f.identityManagementType ? ` (${f.identityManagementType})` : ''}`,
      `problem:  ${f.problem}`,
      `expected: ${expectedText(f)}`,
      ...(originText(f) ? [`origin:   ${originText(f)}`] : []),
      `input:\n${indent(inputText(f.input))}`,
      `request:\n${indent(requestText(f.request, maxBody))}`,
      `response:\n${indent(responseText(f.response, f.transportError, maxBody))}`,
      `replay:   ${f.replay}`,
    ].join('\n'),
  );
  return [head, ...blocks].join('\n\n');
}
