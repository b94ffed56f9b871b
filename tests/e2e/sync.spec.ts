import { expect, presenceOnServer, signIn, test } from './workspaceFixtures';

/**
 * The browser layer of RELIABILITY.md: the real renderer in Chromium, its sync engine in a
 * SharedWorker on real IndexedDB, the real backend behind the fault proxy.
 */
test.use({ agents: [{ id: 'ann', name: 'Ann Agent', skills: { social: 3 } }] });

test('work done offline shows at once, survives a reload, and reaches the server once when it is back', async ({
  page,
  server,
  faults,
  webAgent,
}) => {
  await page.goto(webAgent.url);
  expect(await page.evaluate(() => typeof SharedWorker)).toBe('function');
  await signIn(page, 'ann');

  const sync = page.getByTestId('sync-status');
  await page.getByTestId('presence').selectOption('away');
  await expect.poll(() => presenceOnServer(server, 'ann'), { timeout: 10_000 }).toBe('away');
  await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 10_000 }); // acknowledged too

  // The network goes: every connection is cut and new ones are refused.
  faults.refuse(true);
  faults.cut();
  await expect(sync).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });
  await page.getByTestId('presence').selectOption('busy');
  await expect(page.getByTestId('presence')).toHaveValue('busy');
  await expect(sync).toHaveAttribute('data-pending', '1');
  await expect(sync).toContainText('1 action queued');

  // A reload (or a restart) keeps the queue and the optimistic state.
  await page.reload();
  await expect(page.getByTestId('presence')).toHaveValue('busy', { timeout: 15_000 });
  await expect(sync).toHaveAttribute('data-pending', '1');
  expect(await presenceOnServer(server, 'ann')).toBe('away');

  faults.heal();
  await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
  expect(await presenceOnServer(server, 'ann')).toBe('busy');
  const { rows } = await server.db.query<{ n: number }>(
    "select count(*)::int as n from op_results r join sync_clients c using (client_id) where c.agent_id = 'ann'",
  );
  expect(rows[0]!.n).toBe(2);

  await sync.click();
  await expect(page.getByTestId('sync-panel')).toBeVisible();
  await expect(page.getByTestId('sync-pending')).toHaveText('0');
  await expect(page.getByTestId('sync-issues-empty')).toBeVisible();
});

test('without SharedWorker, two windows each run an engine on one database: seqs stay unique and gapless, each op applied once', async ({
  context,
  server,
  webAgent,
}) => {
  // Browsers without SharedWorker get a dedicated worker per window; Web Locks pick one sender.
  await context.addInitScript(() => Object.defineProperty(window, 'SharedWorker', { value: undefined }));
  const windows = [await context.newPage(), await context.newPage()];
  for (const page of windows) {
    await page.goto(webAgent.url);
    expect(await page.evaluate(() => typeof SharedWorker)).toBe('undefined');
    await signIn(page, 'ann');
  }
  const sequence = ['away', 'busy', 'available', 'after_call_work', 'away', 'busy'] as const;
  await Promise.all(sequence.map((presence, i) => windows[i % 2]!.getByTestId('presence').selectOption(presence)));
  const applied = async () =>
    (
      await server.db.query<{ n: number }>(
        "select count(*)::int as n from op_results r join sync_clients c using (client_id) where c.agent_id = 'ann'",
      )
    ).rows[0]!.n;
  await expect.poll(applied, { timeout: 15_000 }).toBe(sequence.length);
  // Each window's status follows the outbox even when the other window's engine drained it.
  for (const page of windows) {
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
  }
  const { rows } = await server.db.query<{ client_id: string; seq: number }>(
    "select r.client_id, r.seq::int as seq from op_results r join sync_clients c using (client_id) where c.agent_id = 'ann' order by r.seq",
  );
  expect(new Set(rows.map((r) => r.client_id)).size).toBe(1);
  expect(rows.map((r) => r.seq)).toEqual(sequence.map((_, i) => i + 1));
});
