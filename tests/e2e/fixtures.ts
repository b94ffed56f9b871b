import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { startWebAgentHost, type WebAgentHost } from '../../server/webAgentHost';
import { startStubBackend, type StubBackend } from '../fixtures/stubBackend';

const rendererRoot = path.resolve(import.meta.dirname, '../../out/renderer');

/**
 * Each test gets its own backend stand-in and web agent host on loopback, and a browser context
 * whose every request outside 127.0.0.1 is recorded and aborted (the app must make none).
 */
export const test = base.extend<{ backend: StubBackend; webAgent: WebAgentHost; outsideRequests: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
  backend: async ({}, use) => {
    const backend = await startStubBackend();
    await use(backend);
    await backend.close();
  },
  webAgent: async ({ backend }, use) => {
    const host = await startWebAgentHost({ rendererRoot, serverUrl: backend.url });
    await use(host);
    await host.close();
  },
  outsideRequests: async ({ context }, use) => {
    const outside: string[] = [];
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        outside.push(route.request().url());
        return route.abort();
      },
    );
    await use(outside);
  },
});

export { expect };
