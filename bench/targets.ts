// The targets of issue 7 (item 3) for the benchmark's numbers, on a 2-core machine, and whether a run met them.
// Checked by the benchmark and printed; never asserted in a test (timings are noisy).

/** The embedded default (the in-memory reference path) at no less than half the floor's throughput. */
const MIN_REFERENCE_RATIO = 0.5;
/** "Well under a minute": at most half a minute of wall time for the default run. */
const MAX_DEFAULT_RUN_SECONDS = 30;
/**
 * "Flat": at most 2 MB more heap at 10k cases than at 1k, after a full collection: under 240 bytes per case, which
 * any per-case retention would exceed (nock keeps ~35 KB per call). JIT warm-up (compiled code and type feedback,
 * about 0.5-0.8 MB here, levelling off) stays under it.
 */
const MAX_HEAP_GROWTH_MB = 2;
/** At most 3 requests per requirement reached, for the run that reaches every requirement. */
const MAX_REQUESTS_PER_REQUIREMENT = 3;

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface Measured {
  referenceRatio?: number;
  wallSeconds?: number;
  heapGrowthMb?: number;
  requestsPerRequirement?: number;
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

/** One line per target that was measured. */
export function checkTargets(m: Measured): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (m.referenceRatio !== undefined) {
    out.push({
      target: `embedded reference ≥ ${MIN_REFERENCE_RATIO} × floor`,
      measured: `${fixed(m.referenceRatio, 2)} × floor`,
      met: m.referenceRatio >= MIN_REFERENCE_RATIO,
    });
  }
  if (m.wallSeconds !== undefined) {
    out.push({
      target: `default run ≤ ${MAX_DEFAULT_RUN_SECONDS} s (well under a minute)`,
      measured: `${fixed(m.wallSeconds, 1)} s`,
      met: m.wallSeconds <= MAX_DEFAULT_RUN_SECONDS,
    });
  }
  if (m.heapGrowthMb !== undefined) {
    out.push({
      target: `heap flat 1k→10k cases (≤ ${MAX_HEAP_GROWTH_MB} MB)`,
      measured: `${m.heapGrowthMb >= 0 ? '+' : ''}${fixed(m.heapGrowthMb, 2)} MB`,
      met: m.heapGrowthMb <= MAX_HEAP_GROWTH_MB,
    });
  }
  if (m.requestsPerRequirement !== undefined) {
    out.push({
      target: `≤ ${MAX_REQUESTS_PER_REQUIREMENT} requests per requirement`,
      measured: `${fixed(m.requestsPerRequirement, 2)} per requirement`,
      met: m.requestsPerRequirement <= MAX_REQUESTS_PER_REQUIREMENT,
    });
  }
  return out;
}

/** Issue 13, item 3 (ratios in one run): the default run's efficiency, its peak memory, the budget-aware plan. */
const MIN_DEFAULT_RUN_EFFICIENCY = 0.5;
const MAX_DEFAULT_RUN_RSS_MB = 250;
const MAX_PLAN_REQUESTS_PER_REQUIREMENT = 2.5;
/** Issue 11, item 4: a broken target's run ends in under this many times the correct run's wall time. */
const MAX_TIME_TO_VERDICT_RATIO = 20;

export interface RealMeasured {
  efficiency?: number;
  peakRssMb?: number;
  planRequestsPerRequirement?: number;
  /** The worst broken target's wall time ÷ the correct run's, and its name. */
  worstTimeRatio?: { name: string; ratio: number };
  /** Every broken target caught with its exit code, every correct one passed with its fixtures as before. */
  timeVerdicts?: { ok: boolean; wrong: string[] };
}

/** Issue 13 item 3 and issue 11 item 4's targets, for those measured. */
export function checkRealTargets(m: RealMeasured): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (m.efficiency !== undefined) {
    out.push({
      target: `default run efficiency ≥ ${MIN_DEFAULT_RUN_EFFICIENCY}`,
      measured: fixed(m.efficiency, 3),
      met: m.efficiency >= MIN_DEFAULT_RUN_EFFICIENCY,
    });
  }
  if (m.peakRssMb !== undefined) {
    out.push({
      target: `default run peak RSS ≤ ${MAX_DEFAULT_RUN_RSS_MB} MB`,
      measured: `${fixed(m.peakRssMb, 1)} MB`,
      met: m.peakRssMb <= MAX_DEFAULT_RUN_RSS_MB,
    });
  }
  if (m.planRequestsPerRequirement !== undefined) {
    out.push({
      target: `budget-aware plan ≤ ${MAX_PLAN_REQUESTS_PER_REQUIREMENT} requests per requirement`,
      measured: `${fixed(m.planRequestsPerRequirement, 2)} per requirement`,
      met: m.planRequestsPerRequirement <= MAX_PLAN_REQUESTS_PER_REQUIREMENT,
    });
  }
  if (m.worstTimeRatio !== undefined) {
    out.push({
      target: `broken in time: verdict in < ${MAX_TIME_TO_VERDICT_RATIO} × the correct run's wall time`,
      measured: `worst ${fixed(m.worstTimeRatio.ratio, 2)} × (${m.worstTimeRatio.name})`,
      met: m.worstTimeRatio.ratio < MAX_TIME_TO_VERDICT_RATIO,
    });
  }
  if (m.timeVerdicts !== undefined) {
    out.push({
      target: 'time variants: each broken one caught (exit 1, or 2 when nothing answers), each correct one passes',
      measured: m.timeVerdicts.ok ? 'all' : `wrong: ${m.timeVerdicts.wrong.join(', ')}`,
      met: m.timeVerdicts.ok,
    });
  }
  return out;
}
