// What the request validator (validator.ts) finds, and how it says it: a finding per violated constraint, addressed as
// the spec's constraints are (`[TYPE:]MEMBER.KEYWORD`), with the message AWS gives (which never contains the value).
import type { ErrorObject } from 'ajv/dist/2020.js';

export interface Finding {
  /** `[TYPE:]MEMBER.KEYWORD`, as in Spec.constraints. */
  address: string;
  member: string;
  keyword: string;
  identityManagementType?: string;
  /** An AWS-style message that never contains the value. */
  message: string;
}

export interface ValidationResult {
  /** Constraints the request violates under every reading. */
  violations: Finding[];
  /** Constraints with several readings that disagree on this request: some reject it, some accept it. */
  ambiguities: Finding[];
}

/** A member's name as it is on the wire (and in AWS's messages): each part with a lower-case first letter. */
const wireName = (member: string) =>
  member
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');

export function finding(member: string, keyword: string, message: string, identityManagementType?: string): Finding {
  const address = `${identityManagementType ? `${identityManagementType}:` : ''}${member}.${keyword}`;
  return { address, member, keyword, identityManagementType, message };
}

/** AWS's message for one violated constraint of a member. */
export function failed(member: string, constraint: string): string {
  return `1 validation error detected: Value at '${wireName(member)}' failed to satisfy constraint: ${constraint}`;
}

/** An ajv error as a finding at the member named by its path. */
export function findingOfAjvError(e: ErrorObject, segments: string[]): Finding {
  const member = segments.join('.');
  const constraint =
    e.keyword === 'type'
      ? `Member must be of type ${String((e.params as { type: string }).type)}`
      : e.keyword === 'maxLength'
        ? `Member must have length less than or equal to ${String((e.params as { limit: number }).limit)}`
        : e.keyword === 'minLength'
          ? `Member must have length greater than or equal to ${String((e.params as { limit: number }).limit)}`
          : e.keyword === 'pattern'
            ? `Member must satisfy regular expression pattern: ${String((e.params as { pattern: string }).pattern)}`
            : e.keyword === 'enum'
              ? `Member must satisfy enum value set: [${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}]`
              : e.keyword === 'minimum'
                ? `Member must have value greater than or equal to ${String((e.params as { limit: number }).limit)}`
                : e.keyword === 'maximum'
                  ? `Member must have value less than or equal to ${String((e.params as { limit: number }).limit)}`
                  : e.keyword === 'format'
                    ? `Member must be a ${String((e.params as { format: string }).format)} number`
                    : `Member ${e.message ?? 'is not valid'}`;
  return finding(member, e.keyword, failed(member, constraint));
}
