/**
 * What the Chromium benchmarks (B4, B6, B7) share: a page bundled in memory by Vite, served from
 * node:http on 127.0.0.1 (IndexedDB needs an http origin; the page is cross-origin isolated so
 * that performance.now() is fine-grained), and headless Chromium launched by Playwright — Debian's
 * `/usr/bin/chromium` (`apt-get install chromium`, as `.ci/run` does) unless told otherwise.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright';
import type { PluginOption } from 'vite';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update'];

/** A bundled page: URL path → file (code, or an asset such as CSS), and the entry chunk's path. */
export interface PageBundle {
  files: Map<string, { body: string | Uint8Array; type: string }>;
  entry: string;
  /** Stylesheets the entry imports, linked from the page's HTML. */
  css: string[];
  /** Total size of what is served (bytes of code and assets). */
  bytes: number;
}

export interface BundleOptions {
  /** The page's entry module (absolute path); its folder is Vite's root. */
  entry: string;
  /** For error messages: the benchmark's id. */
  label: string;
  plugins?: PluginOption[];
  define?: Record<string, string>;
  /** Minify (default true); false keeps function names readable in a CPU profile. */
  minify?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** Bundles a page (and the renderer code it imports) in memory, in production mode. */
export async function bundlePage(options: BundleOptions): Promise<PageBundle> {
  const { build } = await import('vite');
  const output = await build({
    configFile: false,
    root: path.dirname(options.entry),
    publicDir: false,
    envDir: false,
    logLevel: 'warn',
    mode: 'production',
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.define ? { define: options.define } : {}),
    build: {
      write: false,
      target: 'es2022',
      modulePreload: false,
      reportCompressedSize: false,
      ...(options.minify === false ? { minify: false } : {}),
      rolldownOptions: { input: options.entry },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  const files: PageBundle['files'] = new Map();
  const css: string[] = [];
  let entry = '';
  let bytes = 0;
  for (const out of outputs) {
    if (!('output' in out)) throw new Error(`${options.label}: unexpected Vite build result (watch mode?)`);
    for (const item of out.output) {
      const body = item.type === 'chunk' ? item.code : item.source;
      const type = CONTENT_TYPES[path.extname(item.fileName)] ?? 'application/octet-stream';
      files.set(`/${item.fileName}`, { body, type });
      bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (item.type === 'chunk' && item.isEntry) entry = `/${item.fileName}`;
      if (item.type === 'asset' && item.fileName.endsWith('.css')) css.push(`/${item.fileName}`);
    }
  }
  if (!entry) throw new Error(`${options.label}: the page bundle has no entry chunk`);
  return { files, entry, css, bytes };
}

export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

/** Serves a bundle on 127.0.0.1, cross-origin isolated (fine-grained performance.now()). */
export async function servePage(bundle: PageBundle, title: string): Promise<ServedPage> {
  const links = bundle.css.map((href) => `<link rel="stylesheet" href="${href}">`).join('');
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title>${links}<script type="module" src="${bundle.entry}"></script>`;
  const server = http.createServer((req, res) => {
    const headers = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    };
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = bundle.files.get(pathname);
    if (pathname === '/') res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (file !== undefined) res.writeHead(200, { ...headers, 'content-type': file.type }).end(file.body);
    else res.writeHead(404, headers).end();
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The browser to drive: `explicit`, else the named environment variable, else Debian's Chromium, else Playwright's own. */
export function chromiumExecutable(explicit?: string, envVar?: string): string | undefined {
  return (
    explicit ??
    (envVar ? process.env[envVar] : undefined) ??
    (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
  );
}

export async function launchChromium(options: { executablePath?: string; args?: string[] } = {}): Promise<Browser> {
  const { chromium } = await import('playwright');
  return chromium.launch({
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    ...(options.executablePath ? { executablePath: options.executablePath } : {}),
  });
}

export interface ChromiumPageSite {
  browser: Browser;
  url: string;
  bundle: PageBundle;
  close(): Promise<void>;
}

/**
 * Bundles `entry`, serves it and launches Chromium, logging the bundle's size and time. Close
 * the returned site when done (browser, then server).
 */
export async function openChromiumPage(
  options: BundleOptions & { title: string; executablePath?: string; args?: string[]; log: (line: string) => void },
): Promise<ChromiumPageSite> {
  const bundleStarted = performance.now();
  const bundle = await bundlePage(options);
  options.log(
    `page bundled in ${((performance.now() - bundleStarted) / 1000).toFixed(1)} s (${(bundle.bytes / 1024).toFixed(0)} KiB)`,
  );
  const site = await servePage(bundle, options.title);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium({
      ...(options.executablePath ? { executablePath: options.executablePath } : {}),
      ...(options.args ? { args: options.args } : {}),
    });
  } catch (err) {
    await site.close();
    throw err;
  }
  const opened = browser;
  return {
    browser: opened,
    url: site.url,
    bundle,
    close: async () => {
      await opened.close();
      await site.close();
    },
  };
}

/** A short name for the browser, from its user agent. */
export const browserName = (userAgent: string) => userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)?.[0] ?? userAgent;
