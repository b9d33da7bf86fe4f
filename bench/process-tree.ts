// Resident memory of a process and all its descendants, read from /proc (Linux): every sample lists the
// processes (their parent from /proc/PID/stat), keeps the tree under the root, and sums VmRSS from
// /proc/PID/status. A process that ends between the listing and the read is skipped.
import { readdirSync, readFileSync } from 'node:fs';

/** The parent PID from the text of /proc/PID/stat (the command name, in parentheses, may hold spaces and parentheses). */
export function parentOf(statText: string): number | undefined {
  const close = statText.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = statText.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** VmRSS in bytes from the text of /proc/PID/status (0 for a kernel thread or a zombie, which have none). */
export function rssOf(statusText: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return m ? Number(m[1]) * 1024 : 0;
}

/** The root and every descendant of it, given each process's parent. */
export function descendants(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

const readOr = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Every process's parent, from /proc/PID/stat. */
function parentsNow(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    const ppid = stat === undefined ? undefined : parentOf(stat);
    if (ppid !== undefined) parents.set(Number(name), ppid);
  }
  return parents;
}

/** The root and its descendants now (empty when the root is gone), parents before children. */
export function treeOf(root: number): number[] {
  const parents = parentsNow();
  return parents.has(root) ? descendants(root, parents) : [];
}

interface TreeSample {
  rssBytes: number;
  processes: number;
  /** The largest single process's RSS in this sample. */
  largestBytes: number;
}

/** One sample of the tree under `root`; undefined when the root is gone. */
function sampleTree(root: number): TreeSample | undefined {
  const parents = parentsNow();
  if (!parents.has(root)) return undefined;
  let rssBytes = 0;
  let largestBytes = 0;
  let processes = 0;
  for (const pid of descendants(root, parents)) {
    const status = readOr(`/proc/${pid}/status`);
    if (status === undefined) continue;
    const rss = rssOf(status);
    rssBytes += rss;
    largestBytes = Math.max(largestBytes, rss);
    processes++;
  }
  return { rssBytes, processes, largestBytes };
}

export interface PeakWatch {
  /** Stops sampling; returns the peaks seen. */
  stop(): { peakRssBytes: number; peakLargestBytes: number; peakProcesses: number; samples: number };
}

/** Samples the tree under `root` every `intervalMs` until stopped. */
export function watchPeak(root: number, intervalMs = 50): PeakWatch {
  let peakRssBytes = 0;
  let peakLargestBytes = 0;
  let peakProcesses = 0;
  let samples = 0;
  const tick = () => {
    const s = sampleTree(root);
    if (!s) return;
    samples++;
    peakRssBytes = Math.max(peakRssBytes, s.rssBytes);
    peakLargestBytes = Math.max(peakLargestBytes, s.largestBytes);
    peakProcesses = Math.max(peakProcesses, s.processes);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakRssBytes, peakLargestBytes, peakProcesses, samples };
    },
  };
}
