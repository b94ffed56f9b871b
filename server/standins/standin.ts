import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordWaiter } from './recordWaiter';

/**
 * A local HTTP stand-in for a provider's API (X, Graph): it answers with the provider's documented
 * response shapes and records every request it receives, so tests and the demo check what an
 * adapter really sent over HTTP. Listens on 127.0.0.1 only, on a free port.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the raw text. */
  body: unknown;
  at: number;
}

export interface StandinAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers one request; return undefined for a 404 in the provider's error shape. */
export type StandinHandler = (request: RecordedRequest) => StandinAnswer | undefined;

export interface Standin {
  url: string;
  readonly requests: RecordedRequest[];
  /** The next `count` requests get this answer instead (an outage, a 429, a 401). */
  failNext(answer: StandinAnswer, count?: number): void;
  /** Resolves once `count` requests matching `filter` have arrived (or rejects after timeoutMs). */
  waitFor(filter: (r: RecordedRequest) => boolean, count?: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startStandin(handler: StandinHandler, notFound: StandinAnswer): Promise<Standin> {
  const requests: RecordedRequest[] = [];
  const failures: StandinAnswer[] = [];
  const waiter = recordWaiter(requests, 'stand-in', 'requests');

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        // Form-encoded or plain text: kept as sent.
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
        ),
        body,
        at: Date.now(),
      };
      requests.push(recorded);
      // The demo runs for hours: keep the newest thousand.
      if (requests.length > 1000) requests.shift();
      const answer = failures.shift() ?? handler(recorded) ?? notFound;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      waiter.recorded();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Tests and the demo stop it; an unref'd server never holds a process open by itself.
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(answer, count = 1) {
      for (let i = 0; i < count; i++) failures.push(answer);
    },
    waitFor: waiter.waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
