// Progress of a run on the console, from the engine's events: on a TTY one live line (steps done/planned, requests,
// failures so far, elapsed); without a TTY a line per step and at least one line every 10 s; nothing with --quiet.
import type { RunEvent } from '../engine/events.ts';

export interface Progress {
  onEvent(event: RunEvent): void;
  done(): void;
}

const HEARTBEAT_MS = 10_000;

export function progress(mode: 'tty' | 'lines' | 'quiet', out: NodeJS.WriteStream = process.stderr): Progress {
  if (mode === 'quiet') return { onEvent: () => {}, done: () => {} };
  const started = Date.now();
  let steps = 0;
  let done = 0;
  let requests = 0;
  let failures = 0;
  let current = '';
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const status = () => `[${done}/${steps}] ${requests} requests, ${failures} failing requirement(s), ${elapsed()}`;
  let lastLine = Date.now();
  const line = (text: string) => {
    lastLine = Date.now();
    if (mode === 'tty') out.write(`\r\x1b[2K${text.slice(0, (out.columns ?? 120) - 1)}`);
    else out.write(`${text}\n`);
  };
  const heartbeat = setInterval(() => {
    if (mode === 'tty') line(`${status()}  ${current}`);
    else if (Date.now() - lastLine >= HEARTBEAT_MS) line(`... ${status()}; running ${current}`);
  }, mode === 'tty' ? 1000 : HEARTBEAT_MS / 2);
  heartbeat.unref();
  return {
    onEvent(e) {
      if (e.type === 'plan') steps = e.steps;
      else if (e.type === 'request') requests = e.requests;
      else if (e.type === 'verdict' && e.first) {
        failures++;
        if (mode === 'tty') out.write('\r\x1b[2K');
        out.write(`FAIL ${e.requirementId}${e.stepId ? ` (${e.stepId})` : ''}: ${e.problem.slice(0, 200)}\n`);
      } else if (e.type === 'step-started') {
        current = e.stepId;
        if (mode === 'tty') line(`${status()}  ${current}`);
      } else if (e.type === 'step-finished') {
        done = e.index;
        const extra = e.outcome === 'done' ? '' : ` ${e.outcome.toUpperCase()}: ${e.message ?? ''}`;
        if (mode === 'tty') line(`${status()}  ${e.stepId}${extra}`);
        else line(`[${e.index}/${e.steps}] ${e.stepId}: ${e.requests} request(s), ${(e.elapsedMs / 1000).toFixed(1)} s${extra}`);
      } else if (e.type === 'stopped') line(`stopped: ${e.reason}`);
    },
    done() {
      clearInterval(heartbeat);
      if (mode === 'tty') out.write('\r\x1b[2K');
    },
  };
}

export const progressMode = (quiet: boolean, stream: NodeJS.WriteStream = process.stderr): 'tty' | 'lines' | 'quiet' => (quiet ? 'quiet' : stream.isTTY ? 'tty' : 'lines');
