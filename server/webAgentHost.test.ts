import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebAgentHost, type WebAgentHost } from './webAgentHost';

let host: WebAgentHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function rendererBuild(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'switchboard-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(
    path.join(root, 'index.html'),
    '<!doctype html><html><head><title>x</title></head><body></body></html>',
  );
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  return root;
}

describe('web agent host', () => {
  it('hands the page its server address as an enforced policy, escaped, with the CSP header', async () => {
    host = await startWebAgentHost({ rendererRoot: await rendererBuild(), serverUrl: 'http://127.0.0.1:4400' });
    const response = await fetch(`${host.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain(
      "connect-src 'self' http://127.0.0.1:4400 ws://127.0.0.1:4400",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain(
      '<meta name="switchboard-policy" content="{&quot;enforced&quot;:{&quot;serverUrl&quot;:&quot;http://127.0.0.1:4400&quot;}}" />',
    );
  });

  it('serves assets with their type and refuses other methods and unknown files', async () => {
    host = await startWebAgentHost({ rendererRoot: await rendererBuild(), serverUrl: 'http://127.0.0.1:4400' });
    const asset = await fetch(`${host.url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${host.url}/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${host.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${host.url}/.env`)).status).toBe(403);
  });
});
