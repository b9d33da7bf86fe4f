// What the reference does once a request is routed, authenticated and valid: the operation under test, by its
// binding's handler, and the four siblings the suite reads and provisions with (DescribeUser, DescribeInstance,
// CreateUser, DeleteUser), over the store's instances and users.
import type { EffectState, OperationBinding } from '../../core/binding.ts';
import type { WireResponse } from '../../core/wire.ts';
import type { OperationSpec, Spec } from '../../spec/index.ts';
import { HttpError, respond } from './http.ts';
import { setStructure, structureOf, structuresOf, type Store, type StoredInstance } from './store.ts';

/** A routed, valid request: its operation, labels, parsed body and the instance its InstanceId names (if any). */
interface Call {
  op: OperationSpec;
  labels: Record<string, string>;
  body: unknown;
  instance?: StoredInstance;
}

export type OperationHandler = (call: Call) => WireResponse;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error an operation declares for a status (the first, where it declares several). */
export function declared(op: OperationSpec, status: number, message: string): HttpError {
  const type = op.errors.find((e) => e.status === status)?.type;
  if (!type) throw new Error(`the spec declares no ${status} error for ${op.name}`);
  return new HttpError(status, type, message);
}

function instanceOrNotFound(call: Call): StoredInstance {
  if (!call.instance) throw declared(call.op, 404, 'The specified instance was not found.');
  return call.instance;
}

function userOf(call: Call) {
  const user = instanceOrNotFound(call).users.get(call.labels.UserId ?? '');
  if (!user) throw declared(call.op, 404, 'The specified user was not found in the instance.');
  return user;
}

/**
 * The members of the changed structure a request sent, as the reference keeps them: a JSON null counts as absent
 * (nullIsAbsent), and members the model does not define are ignored, as AWS front ends ignore them
 * (OBS-UNKNOWN-MEMBER): never stored.
 */
function modelledOf(spec: Spec): (value: unknown) => EffectState {
  const modelled = new Set(spec.members.map((m) => m.name));
  return (v) => {
    // Their names are plain, so assigning them is defining them.
    const out: EffectState = {};
    if (!isObject(v)) return out;
    for (const k of Object.keys(v))
      if (modelled.has(k) && !(spec.protocol.nullIsAbsent && v[k] === null)) out[k] = v[k] as EffectState[string];
    return out;
  };
}

/** The operation under test: the binding's handler turns the stored structure and what was sent into the new one. */
function boundOperation(spec: Spec, binding: OperationBinding): OperationHandler {
  const modelled = modelledOf(spec);
  return (call) => {
    const user = userOf(call);
    setStructure(
      user,
      binding.member,
      binding.reference(structureOf(user, binding.member) as EffectState, modelled((call.body as Json)[binding.member])),
    );
    user.LastModifiedTime = Math.floor(Date.now() / 1000);
    return respond(call.op.successStatus);
  };
}

/** The sibling operations, which every binding's runs read and provision with. */
function siblingOperations(spec: Spec, binding: OperationBinding, store: Store): Record<string, OperationHandler> {
  const modelled = modelledOf(spec);
  const nullIsAbsent = (v: unknown): Json =>
    isObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => !(spec.protocol.nullIsAbsent && x === null))) : {};
  return {
    DescribeUser(call) {
      // A stored user is DescribeUser's User, member for member (store.ts).
      return respond(200, { User: { ...userOf(call) } });
    },
    DeleteUser(call) {
      const user = userOf(call);
      call.instance!.users.delete(user.Id);
      return respond(200);
    },
    CreateUser(call) {
      const instance = instanceOrNotFound(call);
      const body = nullIsAbsent(call.body);
      const username = String(body.Username);
      for (const u of instance.users.values()) {
        if (u.Username === username) throw declared(call.op, 409, 'A user with this username already exists in the instance.');
      }
      const structures = structuresOf(body);
      // The operation under test's own structure is kept as that operation keeps it: the modelled members only.
      if (structures[binding.member as keyof typeof structures])
        Object.assign(structures, { [binding.member]: modelled(body[binding.member]) });
      const user = store.addUser(instance, {
        Username: username,
        structures,
        SecurityProfileIds: body.SecurityProfileIds as string[],
        RoutingProfileId: String(body.RoutingProfileId),
        Tags: isObject(body.Tags) ? (body.Tags as Record<string, string>) : undefined,
      });
      return respond(200, { UserId: user.Id, UserArn: user.Arn });
    },
    DescribeInstance(call) {
      const { Id, Arn, IdentityManagementType, InstanceAlias, InstanceStatus, CreatedTime } = instanceOrNotFound(call);
      return respond(200, { Instance: { Id, Arn, IdentityManagementType, InstanceAlias, InstanceStatus, CreatedTime } });
    },
  };
}

/** Every operation the spec declares, each with its handler; a declared operation without one is the reference's fault. */
export function operationHandlers(spec: Spec, binding: OperationBinding, store: Store): Record<string, OperationHandler> {
  if (spec.operation.name !== binding.name)
    throw new Error(`the spec's operation under test is ${spec.operation.name}; the reference was given the binding of ${binding.name}`);
  const operations: Record<string, OperationHandler> = {
    ...siblingOperations(spec, binding, store),
    [binding.name]: boundOperation(spec, binding),
  };
  for (const name of Object.keys(spec.operations)) {
    if (!operations[name]) throw new Error(`the reference implements no operation ${name}, which the spec declares`);
  }
  return operations;
}
