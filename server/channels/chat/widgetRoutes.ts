import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHAT_WIDGET_JS } from './widgetScript';
import { CHAT_WIDGET_CSS } from './widgetStyles';

/** The demo page's policy: the strictest the widget works under (no inline script or style, no eval). */
export const CHAT_DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CHAT_DEMO_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Skyward Air — web chat demo</title>
  </head>
  <body>
    <main>
      <h1>Skyward Air — help centre</h1>
      <p>This page embeds the Switchboard web chat widget with one script tag, under a strict
        Content-Security-Policy. Open the chat at the bottom right, give a name, and write: the
        message is routed to an available agent, whose reply appears here.</p>
      <pre>&lt;script src="/chat/widget.js" data-title="Chat with Skyward Air" defer&gt;&lt;/script&gt;</pre>
    </main>
    <script src="/chat/widget.js" data-title="Chat with Skyward Air" defer></script>
  </body>
</html>
`;

interface Asset {
  body: string;
  type: string;
  etag: string;
  /** Embedding sites cache the widget briefly and revalidate, so a new version reaches them within minutes. */
  cacheControl: string;
  headers?: Record<string, string>;
}

const asset = (body: string, type: string, cacheControl: string, headers?: Record<string, string>): Asset => ({
  body,
  type,
  cacheControl,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  ...(headers ? { headers } : {}),
});

function serve(item: Asset) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    void reply
      .header('content-type', item.type)
      .header('cache-control', item.cacheControl)
      .header('etag', item.etag)
      .header('x-content-type-options', 'nosniff');
    for (const [name, value] of Object.entries(item.headers ?? {})) void reply.header(name, value);
    if (request.headers['if-none-match'] === item.etag) return reply.code(304).send();
    return reply.code(200).send(item.body);
  };
}

/**
 * `GET /chat/widget.js` (and its stylesheet, for browsers without constructed stylesheets), loaded
 * by other sites' pages, and `GET /chat/demo`, a page that embeds it under a strict CSP.
 */
export function registerWidgetRoutes(app: FastifyInstance): void {
  // Other origins load these with <script>/<link>; `cross-origin` lets pages with COEP do so too.
  const crossOrigin = { 'cross-origin-resource-policy': 'cross-origin', 'access-control-allow-origin': '*' };
  const widget = asset(
    CHAT_WIDGET_JS,
    'text/javascript; charset=utf-8',
    'public, max-age=300, must-revalidate',
    crossOrigin,
  );
  const styles = asset(CHAT_WIDGET_CSS, 'text/css; charset=utf-8', 'public, max-age=300, must-revalidate', crossOrigin);
  const demo = asset(CHAT_DEMO_HTML, 'text/html; charset=utf-8', 'no-cache', {
    'content-security-policy': CHAT_DEMO_CSP,
    'referrer-policy': 'no-referrer',
  });
  app.get('/chat/widget.js', serve(widget));
  app.get('/chat/widget.css', serve(styles));
  app.get('/chat/demo', serve(demo));
}
