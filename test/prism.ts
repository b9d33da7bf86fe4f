// The real Prism CLI (@stoplight/prism-cli, a devDependency) as a separate process on 127.0.0.1, and a recorder in
// front of it that keeps what Prism says about every exchange. Prism reports the violations it finds in a response
// header, `sl-violations` (a JSON array of { location, severity, code, message }; location[0] is "request" or
// "response"), for its validation proxy and for its mock alike; the recorder keeps that header with the exchange
// and passes everything else through unchanged. Only loopback: Prism listens on 127.0.0.1 and its upstream is on
// 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** The prism binary npm installed for the devDependency (never a global or a download). */
const PRISM_BIN = join(ROOT, 'node_modules', '.bin', 'prism');

interface PrismViolation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

export interface PrismExchange {
  method: string;
  path: string;
  requestBody: string;
  /** 0 when Prism gave no answer. */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** What Prism reported for this exchange (sl-violations), [] when it reported nothing. */
  violations: PrismViolation[];
}

export interface RunningPrism {
  endpoint: string;
  /** Everything Prism printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (Prism takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts `prism ARGS -h 127.0.0.1 -p PORT` and resolves once it says it is listening. Fails with Prism's output when
 * it exits first or does not listen within `readyMs`. A port taken between the probe and Prism's start is tried
 * again with another one.
 *
 * Prism 5.14 runs with Node's `--unhandled-rejections=warn`: its request validator rejects a promise it never
 * handles on a path label whose percent-encoding is not UTF-8 (decodeURIComponent's URIError in uri-template-lite),
 * which under Node's default ends the process; with `warn` Prism stays up and leaves that one request unanswered.
 */
export async function startPrism(args: string[], options: { readyMs?: number } = {}): Promise<RunningPrism> {
  const readyMs = options.readyMs ?? 60_000;
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(PRISM_BIN, [...args, '-h', '127.0.0.1', '-p', String(port)], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', NODE_OPTIONS: '--unhandled-rejections=warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    };
    const ready = await new Promise<'ready' | 'exited' | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), readyMs);
      const check = () => {
        if (output.includes(`Prism is listening on ${endpoint}`)) {
          clearTimeout(timer);
          resolve('ready');
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve('exited');
      });
    });
    if (ready === 'ready') return { endpoint, output: () => output, stop };
    await stop();
    lastOutput = output;
    if (ready === 'timeout') throw new Error(`prism ${args.join(' ')} did not listen within ${readyMs} ms:\n${output}`);
    if (!/EADDRINUSE/.test(output)) break;
  }
  throw new Error(`prism ${args.join(' ')} exited before listening:\n${lastOutput}`);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'sl-violations']);

function violationsOf(header: string | string[] | undefined): PrismViolation[] {
  if (header === undefined) return [];
  const value = Array.isArray(header) ? header.join(',') : header;
  try {
    return JSON.parse(value) as PrismViolation[];
  } catch {
    // Prism cuts a long list short ("Too many violations! ...").
    return [{ location: [value.includes('"response"') ? 'response' : 'request'], severity: 'Error', message: value }];
  }
}

/** Path segments whose percent-encoding does not decode as UTF-8 (a URL rule no schema can carry). */
export function undecodableSegments(path: string): string[] {
  return path
    .split('?', 1)[0]!
    .split('/')
    .filter((segment) => {
      try {
        decodeURIComponent(segment);
        return false;
      } catch {
        return true;
      }
    });
}

/** A path with a label that does not decode (the requests Prism 5.14 never answers). */
export const undecodablePath = (path: string) => undecodableSegments(path).length > 0;

/**
 * An HTTP server on 127.0.0.1 that forwards every request as it came (method, raw path, headers, body) to
 * `upstream` and its answer back, keeping each exchange with the violations Prism reported in it. A request for
 * which `unanswered.when` holds and that has no answer after `unanswered.afterMs` is recorded with status 0 and its
 * connection closed, as a client's timeout would (so that a run does not wait out its own timeout for each).
 */
export async function startRecorder(
  upstream: string,
  options: { unanswered?: { when: (path: string) => boolean; afterMs: number } } = {},
): Promise<{ endpoint: string; exchanges: PrismExchange[]; stop(): Promise<void> }> {
  const target = new URL(upstream);
  const exchanges: PrismExchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const headers = { ...req.headers };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
      if (requestBody.length || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
        headers['content-length'] = String(requestBody.length);
      let recorded = false;
      const record = (status: number, answerHeaders: IncomingHttpHeaders, payload: Buffer) => {
        if (recorded) return;
        recorded = true;
        exchanges.push({
          method: req.method ?? '',
          path: req.url ?? '',
          requestBody: requestBody.toString('utf8'),
          status,
          headers: answerHeaders,
          body: payload.toString('utf8'),
          violations: violationsOf(answerHeaders['sl-violations']),
        });
      };
      const watch = options.unanswered?.when(req.url ?? '') ? options.unanswered : undefined;
      const timer = watch
        ? setTimeout(() => {
            record(0, {}, Buffer.alloc(0));
            forward.destroy();
            res.destroy();
          }, watch.afterMs)
        : undefined;
      const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          clearTimeout(timer);
          const payload = Buffer.concat(body);
          record(answer.statusCode ?? 0, answer.headers, payload);
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
          out['content-length'] = String(payload.length);
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(payload);
        });
      });
      forward.on('error', () => {
        clearTimeout(timer);
        record(0, {}, Buffer.alloc(0));
        res.destroy();
      });
      forward.end(requestBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the recorder has no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    exchanges,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The violations Prism found in responses (not in requests: the suite sends invalid requests on purpose). */
export const responseViolations = (exchanges: PrismExchange[]) =>
  exchanges.flatMap((x) =>
    x.violations.filter((v) => v.location[0] === 'response').map((v) => ({ ...v, exchange: `${x.method} ${x.path} → ${x.status}` })),
  );
