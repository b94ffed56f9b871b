import { vi } from 'vitest';
import { openSeededQa, SCORECARD } from '../qaTestKit';

/**
 * Test support: a fetch standing in for the scorecard and sampling routes. It records every call
 * (method, path, parsed body) and answers from `routes` ("METHOD /path" → answer), or as if the
 * network were down.
 */

export type Answer = { status?: number; body?: unknown } | 'offline';
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

export const SERVER = 'http://127.0.0.1:9';

export function fakeApi(initial: Record<string, Answer | ((body: unknown) => Answer)> = {}) {
  const routes = { ...initial };
  const calls: Call[] = [];
  const answer = (input: RequestInfo | URL, init?: RequestInit): Response => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? 'GET';
    const path = url.replace(SERVER, '');
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    const given = typeof route === 'function' ? route(body) : route;
    if (given === 'offline') throw new TypeError('Failed to fetch');
    const { status, body: answerBody } = given ?? {
      status: 404,
      body: { error: { code: 'not_found', message: 'No such route.' } },
    };
    return new Response(JSON.stringify(answerBody ?? {}), {
      status: status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  // Asynchronous as a real fetch is: a thrown error is a rejected promise.
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve().then(() => answer(input, init));
  /** The calls that changed something (everything but GET). */
  const writes = () => calls.filter((c) => c.method !== 'GET');
  return { routes, calls, writes, fetch };
}

export const refused = (message: string, status = 400): Answer => ({
  status,
  body: { error: { code: 'invalid_scorecard', message } },
});

/** GET /api/scorecards: the seeded card with versions 1 and 2 published, and a card with only a draft. */
export const listedVersions = () => [
  {
    id: 'card-social@1',
    ...SCORECARD,
    version: 1,
    name: 'Customer care (old)',
    status: 'published',
    publishedAt: '2026-10-01T09:00:00.000Z',
  },
  { id: 'card-social@2', ...SCORECARD, status: 'published', publishedAt: '2026-11-01T09:00:00.000Z' },
  {
    id: 'card-email@1',
    scorecardId: 'card-email',
    version: 1,
    name: 'Email etiquette',
    sections: SCORECARD.sections.slice(0, 1),
    status: 'draft',
    publishedAt: null,
  },
];

/**
 * Before each test of the tab: a seeded database, and `fetch` stubbed with the routes faked: the
 * listed versions and these sampling rules. `closeQa` undoes it.
 */
export async function openScorecardsTab(rules: unknown[] = []) {
  const { db, connection } = await openSeededQa();
  const api = fakeApi({
    'GET /api/scorecards': { body: { versions: listedVersions() } },
    'GET /api/qa/sampling-rules': { body: { rules } },
  });
  vi.stubGlobal('fetch', api.fetch);
  return { db, connection, api };
}
