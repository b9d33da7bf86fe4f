// Run by heap.ts in a child `node --expose-gc --import tsx`: sends the benchmark's cases, cycled, through the
// in-memory reference target (createTarget kind 'reference', target.send), and prints one JSON line with the heap
// used after a full collection at each checkpoint (1k, 2k, ... 10k cases by default).
import { getHeapSpaceStatistics } from 'node:v8';
import { defaultSpec } from '../spec/index.ts';
import { benchCases } from './cases.ts';
import { openPath, pathContext } from './paths.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('heap-child.ts needs node --expose-gc');

interface Checkpoint {
  cases: number;
  heapUsed: number;
  /** Used bytes per V8 heap space (old_space, code_space, ...): code and feedback from JIT warm-up show apart from data. */
  spaces: Record<string, number>;
}

/** Two full collections with a turn of the event loop between them, so that finalizers and weak refs settle. */
async function checkpoint(cases: number): Promise<Checkpoint> {
  gc!();
  await new Promise((resolve) => setImmediate(resolve));
  gc!();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  return { cases, heapUsed: process.memoryUsage().heapUsed, spaces };
}

const [seed = '7', randomRuns = '200', step = '1000', total = '10000'] = process.argv.slice(2);
const spec = await defaultSpec();
const { inputs } = benchCases(spec, { seed: Number(seed), randomRuns: Number(randomRuns) });
const path = await openPath('reference', pathContext(spec, inputs));
const checkpoints: Checkpoint[] = [await checkpoint(0)];
try {
  for (let sent = 0; sent < Number(total); ) {
    await path.send(inputs[sent % inputs.length]!);
    sent++;
    if (sent % Number(step) === 0) checkpoints.push(await checkpoint(sent));
  }
} finally {
  await path.close();
}
console.log(JSON.stringify({ checkpoints }));
