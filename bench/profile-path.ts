// One path alone, for a profiler: sends the benchmark's cases through one path (warm-up, then N timed cases) and
// prints its cases per second. Not part of `npm run bench`; for finding where a path spends its time:
//
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-path.ts reference 8000
//   node --import tsx --heap-prof bench/profile-path.ts nock 2000
//
// (--cpu-prof also writes a small profile for tsx's loader thread; the large file is the main thread.)
import { defaultSpec } from '../spec/index.ts';
import { benchCases } from './cases.ts';
import { DIAGNOSTIC_PATHS, openPath, pathContext, TARGET_PATHS, useExampleCredentials, type PathName } from './paths.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const names: readonly string[] = ['floor', 'loopback', ...TARGET_PATHS, ...DIAGNOSTIC_PATHS, 'unverified'];
const [name = 'reference', count = '6000'] = process.argv.slice(2);
if (!names.includes(name)) throw new Error(`path must be one of ${names.join(', ')}`);
const n = Number(count);
if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('the count must be an integer from 1 to 100000');

useExampleCredentials();
const spec = await defaultSpec();
const { inputs } = benchCases(spec, { seed: 7, randomRuns: 200 });
const path = await openPath(name as PathName, pathContext(spec, inputs));
try {
  for (let i = 0; i < Math.min(500, n); i++) await path.send(inputs[i % inputs.length]!);
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await path.send(inputs[i % inputs.length]!);
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    `${name}: ${Math.round((n * 1000) / wallMs)} cases/s over ${n} cases; ${Math.round((n * 1e6) / (user + system))} cases per CPU second`,
  );
} finally {
  await path.close();
}
