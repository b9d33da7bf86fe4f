// Run by default-run.ts in a child process: every suite on every fixture set of the default configuration (the
// embedded reference, all identity management types, 25 runs per property), in this one process through
// runAllSuites, without vitest. Prints one JSON line with the requirements' statuses. A comparison for the
// default run's wall time and memory: the same work, without vitest's workers and per-file start-up.
import { defaultConfig } from '../suites/config.ts';
import { runAllSuites } from '../suites/plan.ts';
import { openSession } from '../suites/session.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const seed = Number(process.argv[2] ?? 7);
const session = await openSession({ ...defaultConfig(), seed });
await runAllSuites(session);
const statuses = session.catalogue.all.map((r) => session.ledger.status(r.id).status);
console.log(JSON.stringify({ requirements: { pass: statuses.filter((s) => s === 'pass').length, fail: statuses.filter((s) => s === 'fail').length } }));
