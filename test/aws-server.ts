// A test double for a real Amazon Connect sandbox: the reference implementation behind startHttpServer on
// 127.0.0.1, with a wrapper that counts every request on arrival (dropped ones included) and injects faults:
// 429 bursts (with Retry-After), 500s, slow responses and dropped connections. Counting happens here, on the
// server side, so that the budget and the rate are checked against what really arrived.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { vi } from 'vitest';
import { run } from '../bin/run.ts';
import type { Spec } from '../spec/index.ts';
import { createReferenceService, defaultFixtures, startHttpServer, type Fixtures, type ReferenceService } from '../api/reference.ts';
import { text, utf8, type WireRequest, type WireResponse } from '../core/wire.ts';
import type { OperationBinding } from '../core/binding.ts';

export interface Arrival {
  /** 1-based, in arrival order. */
  n: number;
  /** ms, performance.now() of this process. */
  at: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  dropped: boolean;
}

interface Handled {
  n: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  fault?: '429' | '500' | 'slow';
}

export interface Faults {
  /** Answer this arrival with 429 ThrottlingException (and this Retry-After, if any). */
  throttle?: (n: number) => { retryAfter?: string } | undefined;
  /** Answer this arrival with 500 InternalServiceException, without handling it. */
  fail?: (n: number, request: WireRequest) => boolean;
  /** Wait this long before handling this arrival. */
  delayMs?: (n: number) => number;
  /** Close the connection of this arrival without an answer. */
  drop?: (n: number, request: IncomingMessage) => boolean;
}

export interface CountingServer {
  endpoint: string;
  service: ReferenceService;
  fixtures: Fixtures;
  arrivals: Arrival[];
  handled: Handled[];
  /** Requests that may change state: POST, PUT, DELETE that reached the handler. */
  writes(): Handled[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function error(status: number, type: string, message: string, extra: Record<string, string> = {}): WireResponse {
  const body = utf8(JSON.stringify({ message }));
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'content-length': String(body.length), ...extra },
    body,
  };
}

export async function startCountingServer(
  spec: Spec,
  options: { fixtures?: Fixtures; faults?: Faults; binding?: OperationBinding } = {},
): Promise<CountingServer> {
  const fixtures = options.fixtures ?? defaultFixtures();
  const service = createReferenceService(spec, { fixtures, binding: options.binding });
  const faults = options.faults ?? {};
  const arrivals: Arrival[] = [];
  const handled: Handled[] = [];
  let pendingN: number[] = [];
  const handler = async (request: WireRequest): Promise<WireResponse> => {
    const n = pendingN.shift() ?? arrivals.length;
    const entry: Handled = { n, method: request.method, path: request.path, headers: request.headers, body: text(request.body), status: 0 };
    handled.push(entry);
    const throttle = faults.throttle?.(n);
    let response: WireResponse;
    if (throttle) {
      entry.fault = '429';
      response = error(429, 'ThrottlingException', 'Rate exceeded', throttle.retryAfter ? { 'retry-after': throttle.retryAfter } : {});
    } else if (faults.fail?.(n, request)) {
      entry.fault = '500';
      response = error(500, 'InternalServiceException', 'Request processing failed because of an error or failure with the service.');
    } else {
      const delay = faults.delayMs?.(n) ?? 0;
      if (delay > 0) {
        entry.fault = 'slow';
        await sleep(delay);
      }
      response = await service.handle(request);
    }
    entry.status = response.statusCode;
    return response;
  };
  const running = await startHttpServer(handler, { maxBodyBytes: 4 * 1024 * 1024 });
  running.server.prependListener('request', (req: IncomingMessage) => {
    const n = arrivals.length + 1;
    const dropped = faults.drop?.(n, req) ?? false;
    arrivals.push({ n, at: performance.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, dropped });
    if (dropped) req.socket.destroy();
    else pendingN.push(n);
  });
  return {
    endpoint: running.endpoint,
    service,
    fixtures,
    arrivals,
    handled,
    writes: () => handled.filter((h) => h.method !== 'GET'),
    async close() {
      pendingN = [];
      running.server.closeAllConnections();
      await running.close();
    },
  };
}

/**
 * How far the arrivals exceed, in the worst window, what a token bucket of `rate`/s and `burst` lets through: count
 * minus (burst + rate·(length + slack)). The slack covers the network between the client's bucket and this clock; a
 * bucket that lets one request too many shows as an excess of about 1, so tests assert it stays below 0.5.
 */
export function rateExcess(arrivals: Arrival[], rate: number, burst: number, slackMs = 25): number {
  let worst = -Infinity;
  for (let i = 0; i < arrivals.length; i++) {
    for (let j = i; j < arrivals.length; j++) {
      const count = j - i + 1;
      const allowed = burst + (rate * Math.max(0, arrivals[j]!.at - arrivals[i]!.at + slackMs)) / 1000;
      worst = Math.max(worst, count - allowed);
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------------
// What the aws tests share: credentials for the SDK's default chain (the reference's example key, and a session
// token that must never be written anywhere), the fixture IDs, and independent server-side checks.

export const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE-session-token-never-written-0123456789';

/** The SDK's default credential chain, pointed at the reference's example key; no file, no instance metadata. */
export function useExampleCredentials(dir: string): Record<string, string> {
  const env = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: `${dir}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dir}/no-credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  Object.assign(process.env, env);
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL_CONNECT;
  delete process.env.AWS_ENDPOINT_URL;
  return env;
}

const managed = defaultFixtures().instances.filter((i) => i.identityManagementType === 'CONNECT_MANAGED');
export const IDS = {
  instance: managed[0]!.id,
  user: managed[0]!.users[0]!.id,
  secondUser: managed[0]!.users[1]!.id,
  secondInstance: managed[1]!.id,
};

/** The flags of a run against the counting server, with its fixtures allowlisted. */
export const sandboxFlags = (server: CountingServer, extra: string[] = []) => [
  '--target',
  'aws',
  '--endpoint-url',
  server.endpoint,
  '--allow-instance',
  IDS.instance,
  '--allow-instance',
  IDS.secondInstance,
  '--instance-id',
  IDS.instance,
  '--second-instance-id',
  IDS.secondInstance,
  ...extra,
];
export const fixtureFlags = ['--user-id', IDS.user, '--second-user-id', IDS.secondUser];

const UUID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

/** Writes that reached the server naming a UUID outside `allowed` (instances and users the run may write to). */
export function writesOutside(server: CountingServer, allowed: string[]): string[] {
  const ok = new Set(allowed.map((id) => id.toLowerCase().replaceAll('-', '')));
  return server
    .writes()
    .filter((w) => {
      let path = w.path;
      try {
        path = decodeURIComponent(w.path);
      } catch {
        // bytes that are not UTF-8 name nothing; the UUIDs around them still count
      }
      return [...path.matchAll(UUID)].some(([u]) => !ok.has(u.toLowerCase().replaceAll('-', '')));
    })
    .map((w) => `${w.method} ${w.path}`);
}

const RESERVED_MAIL = /(?:^|\.)(?:example\.(?:com|org|net))$|\.(?:invalid|test|example)$/i;

/** Email, SecondaryEmail and Mobile values in the bodies that reached the server that could reach someone. */
export function unsafeValues(server: CountingServer): string[] {
  const out: string[] = [];
  for (const w of server.writes()) {
    for (const [, member, raw] of w.body.matchAll(/"(Email|SecondaryEmail|Mobile)"\s*:\s*("(?:[^"\\]|\\.)*"|[-\d.eE+]+)/g)) {
      let value: string;
      try {
        value = String(JSON.parse(raw!));
      } catch {
        value = raw!;
      }
      if (member === 'Mobile') {
        const digits = [...value]
          .filter((c) => /\p{Nd}/u.test(c))
          .map((c) => (/\d/.test(c) ? c : String(c.codePointAt(0)! % 16)))
          .join('');
        if (digits.length >= 7 && digits.length <= 15 && !/^[01]?\d{3}5(?:5(?:5(?:0(?:1|$)|$)|$)|$)/.test(digits))
          out.push(`${member}=${value}`);
      } else {
        for (const [, domain] of value.matchAll(/@([^\s@]*)/g)) {
          const d = domain!.replace(/[^\p{L}\p{N}]+$/u, '');
          if (d && !RESERVED_MAIL.test(d)) out.push(`${member}=${value}`);
        }
      }
    }
  }
  return out;
}

/** Every file under `dir` (and the extra files) that holds one of the secrets. */
export async function filesHolding(secrets: string[], paths: string[]): Promise<string[]> {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const files: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else files.push(p);
  };
  for (const p of paths) walk(p);
  return files.filter((f) => {
    const content = readFileSync(f, 'utf8');
    return secrets.some((s) => content.includes(s));
  });
}

/** Runs `connect-conformance run` in this process, its output captured. */
export async function runQuietly(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await run(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

export const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
