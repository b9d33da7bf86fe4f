// The library: one call runs the conformance suite in the calling process and returns its results.
//
//   import { runConformance, writeReports } from 'connect-conformance';
//   const results = await runConformance({ handler: myMock, identityManagementType: 'CONNECT_MANAGED', seed: 1 });
//   writeReports('reports/out', results);            // results.json, index.html, junit.xml
//   if (results.summary.verdict !== 'conformant') process.exitCode = 1;
//
//   // A ConnectClient (stubbed with aws-sdk-client-mock, or real): every command through its send.
//   await runConformance({ target: { client }, fixtures: { instanceId, userId }, identityManagementType: 'CONNECT_MANAGED' });
//
// Options are the CLI's flags, camel-cased (engine/options.ts); a mistake in them throws a UserError (its message is
// one line saying what to fix). Against a real account (target: 'aws') a run is held to the same safety policy as the
// command (engine/policy.ts: allowlist, owned users, budget, the rate ceiling against AWS itself).
export { runConformance } from './run.ts';
export { DEFAULT_BINDING, UPDATE_USER_IDENTITY_INFO, UPDATE_USER_PHONE_CONFIG, OPERATIONS, bindingNamed } from '../operations/index.ts';
export type { OperationBinding, EffectState, MemberValue } from '../core/binding.ts';
export type { RunOptions, RunConfig, FixtureIds } from '../engine/options.ts';
export type { RunEvent } from '../engine/events.ts';
export type { Results, RequirementResult, ResultFailure, LevelSummary, RunVerdict, Execution } from '../engine/results.ts';
export { verdictReason } from '../engine/summary.ts';
export { writeReports } from '../reports/write.ts';
export { UserError, UsageError, TargetConfigError, TargetUnreachable, TargetFault, isUserError } from '../core/errors.ts';
export type { WireHandler, WireRequest, WireResponse } from '../core/wire.ts';
export type { TargetKind, ClientTarget, ConnectClientLike } from '../targets/index.ts';
export { TARGET_KINDS } from '../targets/index.ts';
