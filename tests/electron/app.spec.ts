import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronRuntime } from '../../scripts/electronRuntime';

const root = path.resolve(import.meta.dirname, '../..');
const runtime = findElectronRuntime(root);

// Runs wherever an Electron binary exists (developers' and users' machines); CI here has none,
// because npm ci cannot download it on this closed network.
test.skip(!runtime.found, `Electron runtime not available: ${runtime.found ? '' : runtime.reason}`);

test.describe('desktop app (Electron)', () => {
  test('the window loads app://switchboard sandboxed, with the bridge and without Node', async () => {
    const userData = await mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-'));
    const app = await electron.launch({
      ...(runtime.found ? { executablePath: runtime.binary } : {}),
      args: [root, `--user-data-dir=${userData}`, '--server-url=http://127.0.0.1:9'],
      env: { ...process.env, SWITCHBOARD_POLICY_FILE: path.join(userData, 'no-policy.json') },
    });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveURL(/^app:\/\/switchboard\//);
      const probe = await page.evaluate(() => ({
        kind: window.switchboard?.kind,
        hasRequire: typeof (window as unknown as { require?: unknown }).require,
        hasProcess: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(probe).toEqual({ kind: 'electron', hasRequire: 'undefined', hasProcess: 'undefined' });
      const settings = await page.evaluate(() => window.switchboard!.getSettings());
      expect(settings.settings.serverUrl).toBe('http://127.0.0.1:9');
      const blocked = await page.evaluate(async () => {
        try {
          await window.switchboard!.updateSettings(JSON.parse('{"serverUrl":42}') as { serverUrl: string });
          return 'accepted';
        } catch (err) {
          return (err as { code?: string }).code;
        }
      });
      expect(blocked).toBe('invalid_request');
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^app:\/\/switchboard\//);
    } finally {
      await app.evaluate(({ app: electronApp }) => electronApp.exit(0)).catch(() => {});
      await app.close().catch(() => {});
    }
  });
});
