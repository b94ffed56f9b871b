import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { safeAssetPath, securityHeaders } from '../shared/assetPath';
import { APP_HOST, APP_SCHEME } from './appUrl';

export type AssetResolution =
  { ok: true; filePath: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export { securityHeaders };

/** Maps an app:// request to a file under the renderer's build folder, or refuses it. */
export function resolveAppAsset(rendererRoot: string, requestUrl: string): AssetResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { ok: false, status: 403, reason: 'not an app URL' };
  }
  // The URL parser has already folded a literal "/../"; check the text as it was sent too.
  const afterHost = requestUrl.slice(requestUrl.indexOf(APP_HOST) + APP_HOST.length);
  const rawPath = afterHost.split(/[?#]/)[0] ?? '';
  const raw = safeAssetPath(rawPath);
  if (!raw.ok && raw.status === 403) return raw;
  const asset = safeAssetPath(url.pathname);
  if (!asset.ok) return asset;
  const root = path.resolve(rendererRoot);
  const filePath = path.resolve(root, asset.relative);
  if (!filePath.startsWith(root + path.sep)) return { ok: false, status: 403, reason: 'path traversal refused' };
  return { ok: true, filePath, contentType: asset.contentType };
}

/** The app:// handler itself; registered with `protocol.handle` once the app is ready. */
export function createAppProtocolHandler(rendererRoot: string, currentCsp: () => string) {
  return async (request: Request): Promise<Response> => {
    const headers = securityHeaders(currentCsp());
    const asset = resolveAppAsset(rendererRoot, request.url);
    if (!asset.ok) return new Response(asset.reason, { status: asset.status, headers });
    try {
      const body = await readFile(asset.filePath);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': asset.contentType } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
