import { request as httpRequest } from 'node:http';
import { DEMO_AGENT } from '../fixtures/stubBackend';
import { expect, test } from './fixtures';

test.describe('web agent shell', () => {
  test('an agent signs in and sees the workspace connected; a wrong password says so', async ({
    page,
    webAgent,
    backend,
    outsideRequests,
  }) => {
    await page.goto(webAgent.url);
    await expect(page.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeVisible();
    await expect(page.getByTestId('server-url')).toHaveText(backend.url);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');

    await page.getByLabel('Email').fill(DEMO_AGENT.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('Wrong email or password');

    await page.getByLabel('Password').fill(DEMO_AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('signed-in-agent')).toContainText('Dana Agent');
    await expect(page.getByTestId('token-notice')).toContainText('until you close this tab');
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await expect(page.getByTestId('server-reach')).toHaveText('reachable');

    const signIns = backend.requests.filter((r) => r.path === '/api/session' && r.method === 'POST');
    expect(signIns).toHaveLength(2);
    expect(JSON.parse(signIns[1]!.body)).toEqual({ email: DEMO_AGENT.email, password: DEMO_AGENT.password });
    expect(outsideRequests).toEqual([]);
  });

  test('the sign-in survives a reload of the tab and sign-out returns to the sign-in screen', async ({
    page,
    webAgent,
  }) => {
    await page.goto(webAgent.url);
    await page.getByLabel('Email').fill(DEMO_AGENT.email);
    await page.getByLabel('Password').fill(DEMO_AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('signed-in-agent')).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('signed-in-agent')).toContainText('Dana Agent');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeVisible();
  });

  test('losing the network shows Offline, and coming back reconnects', async ({ page, context, webAgent }) => {
    await page.goto(webAgent.url);
    await page.getByLabel('Email').fill(DEMO_AGENT.email);
    await page.getByLabel('Password').fill(DEMO_AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const status = page.getByTestId('connection-status');
    await expect(status).toHaveAttribute('data-state', 'connected');
    await context.setOffline(true);
    await expect(status).toHaveAttribute('data-state', 'offline');
    await expect(page.getByTestId('offline-banner')).toContainText('You are offline');
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await expect(page.getByTestId('network-state')).toHaveText('offline');
    await context.setOffline(false);
    await expect(status).toHaveAttribute('data-state', 'connected');
  });

  test('a server that does not answer gives a sign-in error that says what to do', async ({
    page,
    webAgent,
    backend,
  }) => {
    await page.goto(webAgent.url);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await backend.close();
    await page.getByLabel('Email').fill(DEMO_AGENT.email);
    await page.getByLabel('Password').fill(DEMO_AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText(`Cannot reach the Switchboard server at ${backend.url}`);
    await expect(page.getByRole('alert')).toContainText('server address in Settings');
  });

  test('the enforced server address is shown as managed and cannot be edited; other settings persist', async ({
    page,
    webAgent,
  }) => {
    await page.goto(webAgent.url);
    await expect(page.locator('.server-line .managed')).toHaveText('Managed by your organization');
    await expect(page.getByRole('button', { name: 'Change' })).toHaveCount(0);
    await page.getByLabel('Email').fill('agent1@demo.test');
    await page.getByLabel('Password').fill('switchboard-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    const server = page.getByTestId('setting-serverUrl');
    await expect(server.getByRole('textbox')).toBeDisabled();
    await expect(server).toContainText('Managed by your organization');

    const shortcuts = page.getByLabel('Single-key shortcuts');
    await expect(shortcuts).toBeChecked();
    await shortcuts.uncheck();
    await expect(shortcuts).not.toBeChecked();
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByLabel('Single-key shortcuts')).not.toBeChecked();
  });

  test('pages carry a strict Content-Security-Policy and an injected inline script does not run', async ({
    page,
    webAgent,
    backend,
  }) => {
    const response = await page.goto(webAgent.url);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${backend.url}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }),
      );
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      const directive = await Promise.race([violation, new Promise<string>((r) => setTimeout(() => r('none'), 2000))]);
      return { injected: w.injected === true, directive };
    });
    expect(ran.injected).toBe(false);
    expect(ran.directive).toMatch(/script-src/);
  });

  test('the web agent host refuses path traversal', async ({ webAgent }) => {
    // Sent raw: browsers and fetch clients fold "/../" before it ever reaches a server.
    for (const attempt of [
      '/../package.json',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%5c..%5cpackage.json',
    ]) {
      expect(await rawGetStatus(webAgent.url, attempt), attempt).toBe(403);
    }
    expect(await rawGetStatus(webAgent.url, '/index.html')).toBe(200);
  });
});

function rawGetStatus(base: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
