import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppProtocolHandler, resolveAppAsset } from './appProtocol';

const root = path.resolve('/srv/switchboard/renderer');

describe('resolveAppAsset', () => {
  it('serves index.html for the root path', () => {
    expect(resolveAppAsset(root, 'app://switchboard/')).toEqual({
      ok: true,
      filePath: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('maps a nested asset to the file under the renderer root with its content type', () => {
    expect(resolveAppAsset(root, 'app://switchboard/assets/index-abc123.js?v=2#top')).toEqual({
      ok: true,
      filePath: path.join(root, 'assets', 'index-abc123.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it.each([
    ['literal ../', 'app://switchboard/../../etc/passwd'],
    ['literal ../ after a real folder', 'app://switchboard/assets/../../secret.html'],
    ['percent-encoded dots', 'app://switchboard/%2e%2e/%2e%2e/etc/passwd'],
    ['upper-case percent-encoded dots', 'app://switchboard/%2E%2E/secret.html'],
    ['half-encoded dots', 'app://switchboard/.%2e/secret.html'],
    ['dots with an encoded slash', 'app://switchboard/..%2f..%2fetc/passwd'],
    ['encoded dots with an encoded backslash', 'app://switchboard/%2e%2e%5c%2e%2e%5cetc%5cpasswd'],
    ['literal backslashes', 'app://switchboard/..\\..\\etc\\passwd'],
    ['a backslash inside a name', 'app://switchboard/assets\\index.html'],
    ['an encoded NUL byte', 'app://switchboard/index.html%00.png'],
  ])('refuses a traversal attempt spelt with %s', (_spelling, url) => {
    expect(resolveAppAsset(root, url)).toEqual({ ok: false, status: 403, reason: 'path traversal refused' });
  });

  it.each([
    'app://switchboard/.env.json',
    'app://switchboard/.git/config.json',
    'app://switchboard/assets/.cache/x.js',
  ])('refuses a hidden file or folder (%s)', (url) => {
    expect(resolveAppAsset(root, url)).toEqual({ ok: false, status: 403, reason: 'hidden paths are not served' });
  });

  it.each([
    ['another host', 'app://evil/index.html'],
    ['the host in another case', 'app://SWITCHBOARD/index.html'],
    ['https', 'https://switchboard/index.html'],
    ['file', 'file:///etc/passwd'],
  ])('refuses %s', (_what, url) => {
    expect(resolveAppAsset(root, url)).toEqual({ ok: false, status: 403, reason: 'not an app URL' });
  });

  it('answers 400 to a URL that does not parse', () => {
    expect(resolveAppAsset(root, 'not a url')).toMatchObject({ ok: false, status: 400 });
  });

  it('answers 400 to a broken percent-encoding', () => {
    expect(resolveAppAsset(root, 'app://switchboard/%E0%A4%A.js')).toEqual({
      ok: false,
      status: 400,
      reason: 'malformed path encoding',
    });
  });

  it.each(['app://switchboard/notes.txt', 'app://switchboard/setup.exe', 'app://switchboard/assets/'])(
    'answers 404 to a file type the app does not serve (%s)',
    (url) => {
      expect(resolveAppAsset(root, url)).toEqual({ ok: false, status: 404, reason: 'unknown file type' });
    },
  );
});

describe('createAppProtocolHandler', () => {
  const csp = "default-src 'none'; script-src 'self'";
  let base: string;
  let rendererRoot: string;
  const secret = '<p>outside the renderer root</p>';

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'switchboard-protocol-'));
    rendererRoot = path.join(base, 'renderer');
    await mkdir(path.join(rendererRoot, 'assets'), { recursive: true });
    await writeFile(path.join(rendererRoot, 'index.html'), '<!doctype html><title>Switchboard</title>');
    await writeFile(path.join(rendererRoot, 'assets', 'app.js'), 'console.log("inbox");');
    await writeFile(path.join(base, 'secret.html'), secret);
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('serves index.html for / with the html content type and the Content-Security-Policy', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler(new Request('app://switchboard/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Content-Security-Policy')).toBe(csp);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>Switchboard</title>');
  });

  it('serves a script from disk as javascript', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler(new Request('app://switchboard/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log("inbox");');
  });

  it('asks for the policy on every request, so a new server URL takes effect without a restart', async () => {
    const currentCsp = vi
      .fn()
      .mockReturnValueOnce('connect-src https://one.example')
      .mockReturnValueOnce('connect-src https://two.example');
    const handler = createAppProtocolHandler(rendererRoot, currentCsp);
    const first = await handler(new Request('app://switchboard/'));
    const second = await handler(new Request('app://switchboard/'));
    expect(first.headers.get('Content-Security-Policy')).toBe('connect-src https://one.example');
    expect(second.headers.get('Content-Security-Policy')).toBe('connect-src https://two.example');
  });

  it('answers a traversal attempt with 403 and never the file outside the root', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler(new Request('app://switchboard/..%2fsecret.html'));
    expect(response.status).toBe(403);
    expect(response.headers.get('Content-Security-Policy')).toBe(csp);
    expect(await response.text()).toBe('path traversal refused');
  });

  it('keeps a literal ../ that the URL parser folded away inside the root', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const request = new Request('app://switchboard/../secret.html');
    expect(request.url).toBe('app://switchboard/secret.html');
    const response = await handler(request);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(secret);
  });

  it('refuses the raw literal ../ when a request arrives unnormalised', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler({ url: 'app://switchboard/../secret.html' } as Request);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(secret);
  });

  it('answers 404 with the security headers for a missing file of a served type', async () => {
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler(new Request('app://switchboard/missing.js'));
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Security-Policy')).toBe(csp);
    expect(response.headers.get('Content-Type')).not.toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for an unknown extension even when the file exists', async () => {
    await writeFile(path.join(rendererRoot, 'notes.txt'), 'internal notes');
    const handler = createAppProtocolHandler(rendererRoot, () => csp);
    const response = await handler(new Request('app://switchboard/notes.txt'));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('unknown file type');
  });
});
