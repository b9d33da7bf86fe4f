// Hosting 3: the reference as a real HTTP server on 127.0.0.1, for any client (the AWS CLI, an emulator's own
// test tools, another language's SDK).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireHandler } from '../../../core/wire.ts';
import { lowerCaseHeaders } from '../../../core/wire.ts';

export interface RunningServer {
  server: Server;
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Reads at most maxBytes + 1 bytes of the body, so that an oversized body is seen without holding all of it. */
export async function startHttpServer(handler: WireHandler, options: { port?: number; maxBodyBytes: number }): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    req.on('data', (chunk: Buffer) => {
      if (truncated) return;
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        truncated = true;
        chunks.push(chunk.subarray(0, Math.max(0, chunk.length - (size - options.maxBodyBytes - 1))));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      handler({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: lowerCaseHeaders(req.headers),
        body: new Uint8Array(Buffer.concat(chunks)),
      })
        .then((response) => {
          res.writeHead(response.statusCode, response.headers);
          res.end(Buffer.from(response.body));
        })
        .catch(() => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"message":"internal error"}');
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
