// The shape of an operation binding: everything that is specific to one operation under test, declared in one place per
// operation (operations/<name>/binding.ts). The engine, checks, generators and targets take a binding (passed down
// through the run's options and context); they depend on this type only, never on a binding module. docs/operations.md
// describes each part and what a new operation declares.

/** A value of a member of the structure an operation changes: any JSON type the Smithy model uses. */
export type MemberValue = string | number | boolean | null | MemberValue[] | { [member: string]: MemberValue };

/** The state of the structure an operation changes, member by member (what a read-back shows). */
export type EffectState = Record<string, MemberValue>;

/** Two member values are the same: the same JSON type and value, member for member and item for item. */
export function sameMemberValue(a: MemberValue | undefined, b: MemberValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameMemberValue(x, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameMemberValue(a[k], b[k]));
}

/** A member value as one text, equal for equal values (for sets and maps of values): JSON with sorted keys. */
export function memberValueKey(v: MemberValue): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(memberValueKey).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${memberValueKey(v[k]!)}`)
    .join(',')}}`;
}

/** The labels that name the user an operation changes (the user operations' path labels). */
interface UserLabels {
  InstanceId: string;
  UserId: string;
}

/** An SDK command (an instance of a @aws-sdk/client-connect command class), as a target's SDK channel sends it. */
type SdkCommand = object;

export interface OperationBinding {
  /** The operation's name: the spec document's operationId and x-operation-under-test. */
  readonly name: string;
  /** Where its facts are: the OpenAPI document and the requirement catalogue (both under spec/). */
  readonly spec: { readonly document: string; readonly requirements: string };
  /** The body member that carries the change (a structure; its schema carries the spec's member rules). */
  readonly member: string;
  /** The raw route: method and path template, as the spec document declares them (checked when the spec loads). */
  readonly route: { readonly method: string; readonly path: string };
  /** Its SDK command, from a request's labels and body members. */
  command(input: Record<string, unknown>): SdkCommand;
  /** How its effect is read back: the sibling operation, its SDK command, and where the member sits in its answer. */
  readonly readBack: {
    readonly operation: string;
    readonly path: readonly string[];
    command(labels: UserLabels): SdkCommand;
  };
  /** How a fixture user is put back as it was: the command that writes a snapshot's members (those the type allows). */
  restore(labels: UserLabels, state: EffectState): SdkCommand;
  /**
   * The reference's handler: the stored structure after an accepted request that sent `sent` (the modelled members
   * only, a JSON null already dropped) to a user whose structure was `stored`.
   */
  reference(stored: EffectState, sent: EffectState): EffectState;
  /** Its fixture values: what a user the run creates (--provision) holds in the member, for a username. */
  readonly fixtures: { provisioned(username: string): EffectState };
}

/** The pattern of a path template (`{Label}` matches one segment, captured in order). */
export function routePattern(pathTemplate: string): RegExp {
  return new RegExp(`^${pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]*)')}$`);
}
