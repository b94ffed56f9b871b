/**
 * Turns a request path into a path relative to the renderer's build folder, for both the app://
 * protocol and the web agent host. Traversal in any spelling (`..`, `%2e%2e`, `%2f`, backslash,
 * NUL) is refused rather than normalised away, so an attempt shows up as a 403.
 */
export type AssetPath =
  { ok: true; relative: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
  wasm: 'application/wasm',
};

/** `rawPath` is the path exactly as requested, before any URL parser folded `/../` away. */
export function safeAssetPath(rawPath: string): AssetPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed path encoding' };
  }
  if (/[\\\0]/.test(decoded) || decoded.split('/').some((segment) => segment === '..')) {
    return { ok: false, status: 403, reason: 'path traversal refused' };
  }
  const relative = (decoded === '/' || decoded === '' ? '/index.html' : decoded).replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment.startsWith('.'))) {
    return { ok: false, status: 403, reason: 'hidden paths are not served' };
  }
  const extension = relative.slice(relative.lastIndexOf('.') + 1).toLowerCase();
  const contentType = contentTypes[extension];
  if (!contentType || !relative.includes('.')) return { ok: false, status: 404, reason: 'unknown file type' };
  return { ok: true, relative, contentType };
}

/** Headers every renderer page and asset is served with. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
