// The typed views of the spec that the rest of the code reads. Nothing here holds a fact about the operation:
// every value is filled from connect.openapi.yaml and requirements.yaml by load.ts.
import type { OpenAPIV3_1 } from 'openapi-types';

export type Level = 'MUST' | 'SHOULD' | 'OBSERVE';
export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'OBSERVE'];

/** What the run's configuration must provide for a requirement to be checked. */
type Need = 'secondUser' | 'secondInstance' | 'expectAuth';

/** The kind of failure an input requirement is about; its acceptable outcomes are in x-protocol.outcomes. */
export type OutcomeKind = 'constraint' | 'deserialization' | 'routing';
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['constraint', 'deserialization', 'routing'];

export interface Requirement {
  id: string;
  level: Level;
  area: string;
  /** The title with every {ADDRESS} filled from the schema. */
  title: string;
  text: string;
  source: string;
  /** Constraint addresses this requirement claims (input requirements only). */
  constrains: string[];
  outcome?: OutcomeKind;
  /** The operations it applies to (the catalogue's `operations`); every one when the catalogue says nothing. */
  operations?: string[];
  /** Identity management types it applies to; all of them when the catalogue says nothing. */
  appliesTo: string[];
  needs: Need[];
  /** A constraint with several readings whose disagreements this requirement records. */
  ambiguityOf?: string;
  /** An observed combination (x-observed-combinations) whose requests this requirement records. */
  observes?: string;
  /** Constraints whose accepted values this acceptance requirement is about (a bound, an enum, a pattern). */
  accepts?: string[];
}

/** A member value a combination names (x-observed-combinations: the values the schema's members take). */
type CombinationValue = string | number | boolean;

/** Requests the material leaves open (x-observed-combinations): one named group of combinations of members. */
export interface ObservedCombination {
  name: string;
  /** `MEMBER.x-observed-combinations.NAME` (MEMBER: the operation's member): what a requirement `observes`. */
  address: string;
  /** A structure matches when it matches one: every member of `equals` holds that value, every one of `absent` is absent. */
  when: { equals: Record<string, CombinationValue>; absent: string[] }[];
}

/** One constraint of the schema that a request can violate, named by its address `[TYPE:]MEMBER.KEYWORD`. */
export interface Constraint {
  address: string;
  /** `$body`, a label name, `IdentityInfo` or `IdentityInfo.Member`. */
  member: string;
  keyword: string;
  /** The constraint's value (a bound, a pattern, a normal form, true for required/forbidden/type). */
  value: unknown;
  /** Set for the stricter per-type rules of x-identity-management-rules. */
  identityManagementType?: string;
}

export interface PatternReading {
  reading: string;
  pattern: string;
  regex: RegExp;
}

/** A string member of UserIdentityInfo, with everything the schema and its extensions say about it. */
export interface MemberSpec {
  name: string;
  /** Its JSON type as the schema gives it: string (an enum too), boolean or integer (MEMBER_TYPES). */
  type: MemberType;
  /** A string enum's values, exact and case-sensitive. */
  enum?: string[];
  /** An integer's bounds (JSON Schema minimum, maximum) and format (int32: a Smithy integer, 32-bit signed). */
  minimum?: number;
  maximum?: number;
  format?: 'int32';
  /** A bound the documentation gives and the model does not (x-documented-maximum): violating it is a SHOULD. */
  documentedMaximum?: number;
  minLength?: number;
  maxLength?: number;
  /** The schema's own pattern (JSON Schema `pattern`, ECMA-262, not anchored). */
  pattern?: string;
  /** Readings of an ambiguous pattern (x-pattern-readings or x-documented-pattern). */
  readings: PatternReading[];
  /** Which keyword the readings belong to: `pattern` or `x-documented-pattern`. */
  readingsKeyword?: 'pattern' | 'x-documented-pattern';
  normalization?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
  sensitive: boolean;
}

/** The JSON types a member of the structure an operation changes may have (every one the Smithy model uses there). */
export const MEMBER_TYPES = ['string', 'boolean', 'integer'] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];

/** The range of a Smithy integer (format int32). */
export const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

export interface TypeRules {
  constraints: Record<string, { minLength?: number; maxLength?: number }>;
  forbidden: string[];
  required: string[];
  /** Members whose omission from an update is observed, never judged (the documentation leaves it open). */
  omissionObserved: string[];
}

export interface LabelSpec {
  name: string;
  required: boolean;
  minLength?: number;
  maxLength?: number;
}

export interface ErrorSpec {
  type: string;
  status: number;
  fault: 'client' | 'server';
}

export interface OperationSpec {
  name: string;
  method: string;
  pathTemplate: string;
  labels: LabelSpec[];
  /** The requestBody's JSON schema (dereferenced), if the operation takes a body. */
  bodySchema?: OpenAPIV3_1.SchemaObject;
  /** The operation's declared errors, from its responses' X-Amzn-Errortype header enums. */
  errors: ErrorSpec[];
  successStatus: number;
}

interface OutcomeSpec {
  /** Acceptable statuses; '4xx' means any client error status. */
  status: number[] | '4xx';
  /** `operation`: the operation's declared errors at that status; `any`: any type, as long as there is one. */
  types: 'operation' | 'any';
}

/** The signature's validity window, in minutes of skew either way between X-Amz-Date and the target's clock. */
interface SignatureWindow {
  /** A skew under this is accepted. */
  acceptedWithinMinutes: number;
  /** A skew in this range [from, to] is observed, not judged. */
  observedMinutes: [number, number];
  /** A skew beyond this gets the authentication status and changes nothing. */
  refusedBeyondMinutes: number;
  /** How far apart the suite's clock and the target's may be. */
  clockMarginSeconds: number;
}

export interface ProtocolSpec {
  errorTypeHeader: string;
  errorTypeBodyFields: string[];
  messageFields: string[];
  nullIsAbsent: boolean;
  throttlingErrors: string[];
  authenticationErrors: { status: number; unsigned: string; unknownKey: string; badSignature: string };
  /** How far X-Amz-Date may be from the target's clock (AUTH-SKEW-TOLERATED, OBS-SIGNATURE-SKEW, AUTH-STALE-SIGNATURE). */
  signatureWindow: SignatureWindow;
  deserializationError: { status: number; type: string };
  unknownOperationError: { status: number; type: string };
  unsupportedMediaTypeError: { status: number; type: string };
  requestTooLargeError: { status: number; type: string };
  /** A 405 for a method the path does not have names the path's methods in this header. */
  methodNotAllowed: { status: number; header: string };
  outcomes: Record<OutcomeKind, OutcomeSpec>;
}

export interface ModelInfo {
  source: string;
  botocore: string;
  year: number;
  apiVersion: string;
  protocol: string;
  signingName: string;
  sdkId: string;
  notes?: string;
}

export type LengthUnit = 'code-point';

/** A kind of valid value (x-value-classes): example values that hold the kind and nothing but the filler. */
export interface ValueClass {
  /** Kebab-case, unique: `digits`, `plus-addressing`. */
  name: string;
  description: string;
  /** NFC, safe to send; the first is the class alone, the last the one stretched to a member's upper bound. */
  values: string[];
}

/** x-value-classes: the kinds of valid value the boundary phase sends to every member whose constraints accept them. */
export interface ValueClasses {
  /** One neutral character (every reading of every member accepts it in free text); '' when there are no classes. */
  filler: string;
  classes: ValueClass[];
}

export interface Spec {
  /** The OpenAPI document with every $ref resolved. */
  document: OpenAPIV3_1.Document;
  /** Files it was read from, for messages. */
  files: { document: string; requirements: string };
  model: ModelInfo;
  protocol: ProtocolSpec;
  lengthUnit: LengthUnit;
  operations: Record<string, OperationSpec>;
  /** The operation under test. */
  operation: OperationSpec;
  /** The body member the operation changes (its binding names it): the structure `members` are the members of. */
  effectMember: string;
  /** Every error type the spec declares, with its status and fault. */
  errors: Record<string, ErrorSpec>;
  identityManagementTypes: string[];
  /** Members of the structure the operation changes (UserIdentityInfo, UserPhoneConfig), in schema order. */
  members: MemberSpec[];
  typeRules: Record<string, TypeRules>;
  constraints: Constraint[];
  requirements: Requirement[];
  /** The kinds of valid value of x-value-classes (none when the document has no such extension). */
  valueClasses: ValueClasses;
  /** The requests of the operation's member the material leaves open (x-observed-combinations; none when absent). */
  observedCombinations: ObservedCombination[];
}
