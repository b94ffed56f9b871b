import Fastify from 'fastify';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHAT_DEMO_CSP, registerWidgetRoutes } from './widgetRoutes';

async function app() {
  const server = Fastify({ logger: false });
  registerWidgetRoutes(server);
  await server.ready();
  return server;
}

describe('the chat widget over HTTP', () => {
  it('serves /chat/widget.js as cacheable JavaScript that other sites may load, revalidated by ETag', async () => {
    const server = await app();
    const response = await server.inject({ method: 'GET', url: '/chat/widget.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300, must-revalidate',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await server.inject({ method: 'GET', url: '/chat/widget.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    const source = response.body;
    // It parses, and runs nothing a strict CSP forbids or that would treat text as HTML.
    expect(() => new Script(source, { filename: 'widget.js' })).not.toThrow();
    for (const forbidden of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      '.style.',
      "setAttribute('on",
      "setAttribute('style",
    ]) {
      expect(source, forbidden).not.toContain(forbidden);
    }
    expect(source).toContain("'/socket.io/socket.io.js'");
    expect(source).toContain("'/chat'");
    await server.close();
  });

  it('serves its stylesheet for browsers without constructed stylesheets', async () => {
    const server = await app();
    const response = await server.inject({ method: 'GET', url: '/chat/widget.css' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(response.body).toContain('.launcher');
    await server.close();
  });

  it('serves /chat/demo: a page embedding the widget by one script tag under a strict CSP', async () => {
    const server = await app();
    const response = await server.inject({ method: 'GET', url: '/chat/demo' });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CHAT_DEMO_CSP,
    });
    expect(CHAT_DEMO_CSP).toContain("script-src 'self'");
    expect(CHAT_DEMO_CSP).not.toContain('unsafe');
    const scripts = [...response.body.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![0]).toContain('src="/chat/widget.js"');
    expect(scripts[0]![1]).toBe('');
    expect(response.body).not.toMatch(/\son\w+=|style=/);
    await server.close();
  });
});
