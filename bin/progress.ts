// Progress of a run on the console, from the engine's events: on a TTY one live line (steps done/planned, requests,
// failures so far, elapsed); without a TTY (a CI log) a line per phase of the plan (a type's boundary cases, its random
// phase, ...), the first failure of each requirement, a step that did not finish, and a line every 30 s while nothing
// else was printed; nothing with --quiet.
import type { RunEvent } from '../engine/events.ts';

export interface Progress {
  onEvent(event: RunEvent): void;
  done(): void;
}

/** Without a TTY: the longest silence while a run goes on. */
export const HEARTBEAT_MS = 30_000;

/** The phase of a step ID (`CONNECT_MANAGED/boundary/…` → `CONNECT_MANAGED/boundary`). */
const phaseOf = (stepId: string) => stepId.split('/').slice(0, 2).join('/');

export function progress(mode: 'tty' | 'lines' | 'quiet', out: NodeJS.WriteStream = process.stderr): Progress {
  if (mode === 'quiet') return { onEvent: () => {}, done: () => {} };
  const started = Date.now();
  let steps = 0;
  let done = 0;
  let requests = 0;
  let failures = 0;
  let current = '';
  let phase = '';
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const status = () => `[${done}/${steps}] ${requests} requests, ${failures} failing requirement(s), ${elapsed()}`;
  let lastLine = Date.now();
  const line = (text: string) => {
    lastLine = Date.now();
    if (mode === 'tty') out.write(`\r\x1b[2K${text.slice(0, (out.columns ?? 120) - 1)}`);
    else out.write(`${text}\n`);
  };
  const heartbeat = setInterval(
    () => {
      if (mode === 'tty') line(`${status()}  ${current}`);
      else if (Date.now() - lastLine >= HEARTBEAT_MS) line(`... ${status()}; running ${current}`);
    },
    mode === 'tty' ? 1000 : HEARTBEAT_MS / 6,
  );
  heartbeat.unref();
  return {
    onEvent(e) {
      if (e.type === 'plan') {
        steps = e.steps;
        if (mode === 'lines') line(`plan: ${e.steps} steps (${e.identityManagementTypes.join(', ')})`);
      } else if (e.type === 'request') requests = e.requests;
      else if (e.type === 'verdict' && e.first) {
        failures++;
        if (mode === 'tty') out.write('\r\x1b[2K');
        out.write(`FAIL ${e.requirementId}${e.stepId ? ` (${e.stepId})` : ''}: ${e.problem.slice(0, 200)}\n`);
      } else if (e.type === 'step-started') {
        current = e.stepId;
        if (mode === 'tty') line(`${status()}  ${current}`);
        else if (phaseOf(e.stepId) !== phase) {
          phase = phaseOf(e.stepId);
          line(`${status()}; ${phase}`);
        }
      } else if (e.type === 'step-finished') {
        done = e.index;
        const extra = e.outcome === 'done' ? '' : ` ${e.outcome.toUpperCase()}: ${e.message ?? ''}`;
        if (mode === 'tty') line(`${status()}  ${e.stepId}${extra}`);
        else if (extra) line(`[${e.index}/${e.steps}] ${e.stepId}: ${e.requests} request(s), ${(e.elapsedMs / 1000).toFixed(1)} s${extra}`);
      } else if (e.type === 'stopped') line(`stopped: ${e.reason}`);
    },
    done() {
      clearInterval(heartbeat);
      if (mode === 'tty') out.write('\r\x1b[2K');
      else if (steps) line(`done: ${status()}`);
    },
  };
}

export const progressMode = (quiet: boolean, stream: NodeJS.WriteStream = process.stderr): 'tty' | 'lines' | 'quiet' =>
  quiet ? 'quiet' : stream.isTTY ? 'tty' : 'lines';
