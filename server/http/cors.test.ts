import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/testServer';

/**
 * The app's page is another origin than the server (app:// in Electron, the web agent's port):
 * every method and header it uses must pass the browser's preflight, or the call fails as if offline.
 */
describe('CORS for the app', { timeout: 30_000 }, () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it.each(['GET', 'POST', 'PUT'])('lets the app %s with a bearer token and JSON', async (method) => {
    t = await startTestServer('pglite');
    const response = await fetch(`${t.url}/api/scorecards/card-1/draft`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5199',
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain(method);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5199');
  });

  it('exposes the file name of exports and attachments', async () => {
    t = await startTestServer('pglite');
    const response = await fetch(`${t.url}/healthz`, { headers: { origin: 'http://127.0.0.1:5199' } });
    expect(response.headers.get('access-control-expose-headers')).toBe('content-disposition');
  });
});
