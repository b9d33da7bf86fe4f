// The reference implementation: a pure request handler for the operations of the spec, as the contract describes them.
// Routes, validation and error types are read from the spec; the store holds the state; what the operation under test
// does is its binding's (core/binding.ts), what its siblings do is operations.ts's. Order of a request: body cap,
// authentication, routing (routing.ts), content type, JSON, validation, existence, then the operation.
import { createValidator, type Finding, type OperationSpec, type Spec } from '../../spec/index.ts';
import type { OperationBinding } from '../../core/binding.ts';
import { text, type WireRequest, type WireResponse } from '../../core/wire.ts';
import type { Credentials } from '../raw-channel.ts';
import { verifySignatureNow, type AuthResult, type SignatureChecks } from './auth.ts';
import type { Fixtures } from './fixtures.ts';
import { errorResponse, HttpError } from './http.ts';
import { declared, operationHandlers } from './operations.ts';
import { createRouter } from './routing.ts';
import { Store } from './store.ts';

export { HttpError } from './http.ts';

export interface ReferenceOptions {
  fixtures: Fixtures;
  /** The operation under test: its binding's handler answers it (the spec's operation under test must be it). */
  binding: OperationBinding;
  /** Verify SigV4 signatures (default true). */
  auth?: boolean;
  /** Largest body accepted, in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** The reference's clock, in ms since the epoch (default Date.now): X-Amz-Date is judged against it. */
  now?: () => number;
}

export interface ReferenceService {
  handle(request: WireRequest): Promise<WireResponse>;
  /** The reference's own SigV4 verdict on a request (its key, region, service and window), whether or not it verifies. */
  verify(request: WireRequest): AuthResult;
  /** What a signature must be for: fixtures.region, the spec's signing name, the window's refused bound, the clock. */
  readonly signatureChecks: Required<SignatureChecks>;
  readonly store: Store;
  readonly fixtures: Fixtures;
}

/** Findings of these keywords arise while reading the input (the protocol's deserialization), not from a constraint. */
const DESERIALIZATION_KEYWORDS = new Set(['json', 'type']);

const DEFAULT_MAX_BODY = 1024 * 1024;

export function createReferenceService(spec: Spec, options: ReferenceOptions): ReferenceService {
  const validator = createValidator(spec);
  const store = new Store(options.fixtures, options.binding.member);
  const operations = operationHandlers(spec, options.binding, store);
  const credentials: Credentials[] = [options.fixtures.credentials];
  const auth = options.auth ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const p = spec.protocol;
  // A signature scoped to another region or service, or dated outside the window, is a wrong one (AUTH-WRONG-SCOPE,
  // AUTH-STALE-SIGNATURE).
  const signatureChecks: Required<SignatureChecks> = {
    region: options.fixtures.region,
    service: spec.model.signingName,
    maxSkewMs: p.signatureWindow.refusedBeyondMinutes * 60_000,
    now: options.now ?? Date.now,
  };
  const verify = (request: WireRequest) => verifySignatureNow(request, credentials, signatureChecks);
  const errorStatus = (type: string) => spec.errors[type]?.status ?? 400;
  const fail = (type: string, message: string) => new HttpError(errorStatus(type), type, message);
  const route = createRouter(spec, fail);
  const internalError = () => {
    const e = spec.operation.errors.find((x) => x.fault === 'server');
    return new HttpError(
      e?.status ?? 500,
      e?.type ?? 'InternalFailure',
      'Request processing failed because of an error or failure with the service.',
    );
  };

  const readBody = (request: WireRequest, op: OperationSpec): unknown => {
    if (!op.bodySchema) return undefined;
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      throw fail(p.unsupportedMediaTypeError.type, 'The request body must be application/json.');
    }
    const parsed = validator.parseBody(text(request.body));
    if (!parsed.ok) throw fail(p.deserializationError.type, parsed.finding.message);
    return parsed.value;
  };

  const reject = (op: OperationSpec, findings: Finding[]): HttpError => {
    const deserialization = findings.find((f) => DESERIALIZATION_KEYWORDS.has(f.keyword));
    if (deserialization) return fail(p.deserializationError.type, deserialization.message);
    const constraints = findings.map((f) => f.message.replace(/^1 validation error detected: /, ''));
    const count = constraints.length === 1 ? '1 validation error detected' : `${constraints.length} validation errors detected`;
    return declared(op, 400, `${count}: ${constraints.join('; ')}`);
  };

  // Nothing in a request's handling waits, so it runs synchronously; `handle` below is the asynchronous interface.
  const handle = (request: WireRequest): WireResponse => {
    if (request.body.length > maxBodyBytes) {
      throw fail(p.requestTooLargeError.type, `The request body is larger than ${maxBodyBytes} bytes.`);
    }
    if (auth) {
      const verdict = verify(request);
      if (!verdict.ok) throw new HttpError(p.authenticationErrors.status, p.authenticationErrors[verdict.reason], verdict.message);
    }
    const { op, labels } = route(request);
    const body = readBody(request, op);
    const instance = store.instances.get(labels.InstanceId ?? '');
    const verdict = validator.validate(op.name, { labels, body }, instance?.IdentityManagementType);
    const findings = [...verdict.violations, ...verdict.ambiguities];
    if (findings.length) throw reject(op, findings);
    return operations[op.name]!({ op, labels, body, instance });
  };

  return {
    store,
    verify,
    signatureChecks,
    fixtures: options.fixtures,
    async handle(request) {
      try {
        return handle(request);
      } catch (e) {
        if (e instanceof HttpError) return errorResponse(e, p.errorTypeHeader);
        return errorResponse(internalError(), p.errorTypeHeader);
      }
    },
  };
}
