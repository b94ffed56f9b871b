import { describe, expect, it, vi } from 'vitest';
import type { Health, SignInResponse } from '../../shared/api';
import { checkHealth, signIn, SignInError } from './backend';

const serverUrl = 'https://switchboard.acme.test';
const credentials = { email: 'dana@acme.test', password: 'correct horse' };

const signedIn: SignInResponse = {
  token: 'tok-123',
  refreshToken: 'ref-456',
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@acme.test', role: 'agent' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

const health: Health = { status: 'ok', version: '0.1.0', db: 'pglite' };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function answering(response: Response | Error) {
  return vi.fn<typeof fetch>(() => (response instanceof Error ? Promise.reject(response) : Promise.resolve(response)));
}

async function signInFailure(fetchImpl: typeof fetch): Promise<SignInError> {
  const error: unknown = await signIn(serverUrl, credentials, fetchImpl).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SignInError);
  return error as SignInError;
}

describe('signIn', () => {
  it('POSTs the email and password as JSON to /api/session on the configured server', async () => {
    const fetchImpl = answering(json(200, signedIn));

    await signIn(serverUrl, credentials, fetchImpl);

    expect(fetchImpl).toHaveBeenCalledOnce();
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('https://switchboard.acme.test/api/session');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(init?.body as string)).toEqual({ email: 'dana@acme.test', password: 'correct horse' });
  });

  it('returns the token and agent the server answers with', async () => {
    expect(await signIn(serverUrl, credentials, answering(json(200, signedIn)))).toEqual(signedIn);
  });

  it('says the email or password is wrong on 401', async () => {
    const error = await signInFailure(
      answering(json(401, { error: { code: 'bad_credentials', message: 'no such agent' } })),
    );
    expect(error.code).toBe('bad_credentials');
    expect(error.message).toBe('Wrong email or password. Try again.');
  });

  it('asks the agent to wait on 429', async () => {
    const error = await signInFailure(answering(json(429, {})));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('Too many sign-in attempts. Wait a minute, then try again.');
  });

  it("passes on the server's own explanation of a 500", async () => {
    const error = await signInFailure(
      answering(json(500, { error: { code: 'db_down', message: 'the database is restarting' } })),
    );
    expect(error.code).toBe('server_error');
    expect(error.message).toBe('The server could not sign you in (the database is restarting). Try again shortly.');
  });

  it('names the HTTP status when a failing server gives no explanation', async () => {
    const error = await signInFailure(answering(new Response('<html>Bad gateway</html>', { status: 502 })));
    expect(error.code).toBe('server_error');
    expect(error.message).toBe('The server could not sign you in (HTTP 502). Try again shortly.');
  });

  it('names the server and points to the network and Settings when the request cannot be made', async () => {
    const error = await signInFailure(answering(new TypeError('Failed to fetch')));
    expect(error.code).toBe('unreachable');
    expect(error.message).toBe(
      'Cannot reach the Switchboard server at https://switchboard.acme.test. Check your network connection, or the server address in Settings.',
    );
  });

  it('asks whether it is a Switchboard server when a 200 answer has the wrong shape', async () => {
    const error = await signInFailure(answering(json(200, { token: 'tok-123' })));
    expect(error.code).toBe('bad_response');
    expect(error.message).toBe(
      'The server at https://switchboard.acme.test answered in a way this app does not understand. Is it a Switchboard server?',
    );
  });

  it('treats a 200 answer that is not JSON as a bad response', async () => {
    const error = await signInFailure(answering(new Response('<html>captive portal</html>', { status: 200 })));
    expect(error.code).toBe('bad_response');
  });
});

describe('checkHealth', () => {
  it('asks /healthz on the server and returns its health', async () => {
    const fetchImpl = answering(json(200, health));

    expect(await checkHealth(serverUrl, fetchImpl)).toEqual(health);
    expect(fetchImpl.mock.calls[0]?.[0]).toBe('https://switchboard.acme.test/healthz');
    expect(fetchImpl.mock.calls[0]?.[1]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('returns null when the server is not ready', async () => {
    expect(await checkHealth(serverUrl, answering(json(503, { status: 'starting' })))).toBeNull();
  });

  it('returns null when the server cannot be reached', async () => {
    expect(await checkHealth(serverUrl, answering(new TypeError('Failed to fetch')))).toBeNull();
  });

  it('returns null when a 200 answer is not a health report', async () => {
    expect(await checkHealth(serverUrl, answering(json(200, { status: 'ok', version: '0.1.0' })))).toBeNull();
    expect(await checkHealth(serverUrl, answering(new Response('hello', { status: 200 })))).toBeNull();
  });

  it('gives up and returns null when the server does not answer within the timeout', async () => {
    const hanging = vi.fn<typeof fetch>(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );

    expect(await checkHealth(serverUrl, hanging, 20)).toBeNull();
  });
});
