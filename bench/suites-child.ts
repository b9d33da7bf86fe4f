// Run by default-run.ts in a child process: the default run (the embedded reference, all identity management types,
// 25 runs per property) through the library call, without the CLI's reports. Prints one JSON line with the
// requirements' statuses: a comparison for the default run's wall time and memory.
import { runConformance } from '../api/run.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const seed = Number(process.argv[2] ?? 7);
const results = await runConformance({ seed });
const statuses = results.requirements.map((r) => r.status);
console.log(
  JSON.stringify({
    requirements: { pass: statuses.filter((s) => s === 'pass').length, fail: statuses.filter((s) => s === 'fail' || s === 'error').length },
  }),
);
