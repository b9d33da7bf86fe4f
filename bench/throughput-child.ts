// Run by run.ts in a child `node --expose-gc --import tsx`: the throughput groups (throughput.ts), with a full
// collection before every timed block. Progress goes to stderr; the last line of stdout is the JSON result.
// Its own process also keeps nock's retained heap (~35 KB per intercepted call) away from the other measurements.
import { defaultSpec } from '../spec/index.ts';
import { benchCases } from './cases.ts';
import { pathContext, useExampleCredentials } from './paths.ts';
import { DEFAULT_GROUPS, measureThroughput, scaleGroups } from './throughput.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (!(globalThis as { gc?: unknown }).gc) throw new Error('throughput-child.ts needs node --expose-gc');

const [seed = '7', randomRuns = '200', rounds = '5', scale = '1'] = process.argv.slice(2);
useExampleCredentials();
const spec = await defaultSpec();
const cases = benchCases(spec, { seed: Number(seed), randomRuns: Number(randomRuns) });
process.stderr.write(`throughput: ${cases.cases.length} cases ${JSON.stringify(cases.mix)}, ${rounds} rounds\n`);
const groups = await measureThroughput(pathContext(spec, cases.inputs), {
  rounds: Number(rounds),
  groups: scaleGroups(DEFAULT_GROUPS, Number(scale)),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(JSON.stringify({ groups, cases: { count: cases.cases.length, mix: cases.mix, seed: Number(seed) } }));
