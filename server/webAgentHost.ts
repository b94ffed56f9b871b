import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { safeAssetPath, securityHeaders } from '../shared/assetPath';
import { contentSecurityPolicy } from '../shared/csp';
import type { PartialSettings } from '../shared/settings';

export interface WebAgentHostOptions {
  /** The renderer's build folder (out/renderer). */
  rendererRoot: string;
  host?: string;
  port?: number;
  /** The routing backend the web agent talks to; enforced on the page like a machine policy. */
  serverUrl: string;
  /** Further keys to enforce on every web agent this host serves. */
  enforced?: PartialSettings;
}

export interface WebAgentHost {
  url: string;
  close(): Promise<void>;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Serves the built renderer over HTTP as the web agent: the same CSP as app://, and the server
 * address handed to the page as an enforced policy so the agent cannot be pointed elsewhere.
 */
export async function startWebAgentHost(options: WebAgentHostOptions): Promise<WebAgentHost> {
  const root = path.resolve(options.rendererRoot);
  const csp = contentSecurityPolicy(options.serverUrl);
  const headers = securityHeaders(csp);
  const policy = JSON.stringify({ enforced: { ...options.enforced, serverUrl: options.serverUrl } });
  const policyMeta = `<meta name="switchboard-policy" content="${escapeAttribute(policy)}" />`;

  const send = (res: ServerResponse, status: number, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...headers, ...extra });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const rawPath = (req.url ?? '/').split(/[?#]/)[0] ?? '/';
    const asset = safeAssetPath(rawPath);
    if (!asset.ok) {
      send(res, asset.status, asset.reason, { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    const filePath = path.resolve(root, asset.relative);
    if (!filePath.startsWith(root + path.sep)) {
      send(res, 403, 'path traversal refused');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(filePath);
    } catch {
      send(res, 404, 'not found', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    if (asset.relative === 'index.html') {
      const html = body.toString('utf8').replace('<head>', `<head>\n    ${policyMeta}`);
      send(res, 200, html, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-store' });
      return;
    }
    send(res, 200, body, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=3600' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
