import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { publishScorecard } from '../../server/qa/qaTestKit';
import { DEMO_CONVERSATIONS, DEMO_OPEN_COUNT, ELENA, seedDemoInbox } from './demoData';
import { annsDay, CALL_TURNS, CARD, QA_AGENTS } from './qaData';
import { builtWith, expect, signIn, test } from './workspaceFixtures';

/**
 * The README's screenshots, from the real renderer on a real backend with demo-like data. They are
 * written to docs/screenshots/ only with SWITCHBOARD_SCREENSHOTS=1 (`npm run screenshots`);
 * otherwise they go to the test's output folder and the test still checks the page shows what the
 * README says it shows.
 */
const WRITE = process.env.SWITCHBOARD_SCREENSHOTS === '1';
const docs = path.resolve(import.meta.dirname, '../../docs/screenshots');

test.use({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', deviceScaleFactor: 1 });

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = WRITE ? path.join(docs, name) : testInfo.outputPath(name);
  if (WRITE) mkdirSync(docs, { recursive: true });
  // No blinking caret, no half-finished transition in the picture.
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test('README screenshots: the inbox across channels, and a conversation with an earlier email in its journey', async ({
  page,
  server,
  webAgent,
  outsideRequests,
}, testInfo) => {
  test.setTimeout(60_000);
  const { ids } = await seedDemoInbox(server);
  await page.goto(webAgent.url);
  await signIn(page, 'ann');

  // The inbox: every demo conversation, names and subjects shown, nothing open yet.
  const rows = page.getByTestId('inbox-row');
  await expect(rows).toHaveCount(DEMO_OPEN_COUNT, { timeout: 15_000 });
  await expect(page.getByTestId('inbox-count')).toHaveText(`${DEMO_OPEN_COUNT} conversations`);
  for (const c of DEMO_CONVERSATIONS) {
    const row = page.locator(`[data-testid=inbox-row][data-conversation-id="${ids[c.key]}"]`);
    await expect(row).toContainText(c.name);
    if (c.subject) await expect(row).toContainText(c.subject);
  }
  await expect(page.getByTestId('presence')).toHaveValue('available');
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('inbox-loading')).toHaveCount(0);
  await shoot(page, testInfo, 'inbox.png');

  // Elena's new email, with her earlier (resolved) one in the journey.
  const elena = page.locator(`[data-testid=inbox-row][data-conversation-id="${ids.elena}"]`);
  await expect(elena).toContainText(ELENA.name);
  await expect(elena).toContainText(ELENA.later.subject);
  await elena.click();
  await expect(elena).toHaveAttribute('aria-selected', 'true');
  if (builtWith('conversation-view')) {
    const view = page.getByTestId('conversation-view');
    await expect(view).toBeVisible();
    await expect(view.getByTestId('transcript')).toContainText(ELENA.later.text);
    await expect(view.getByTestId('journey')).toContainText(ELENA.earlier.subject);
    await shoot(page, testInfo, 'conversation.png');
  } else {
    // A placeholder pane must never become the README's picture.
    if (WRITE) throw new Error('The conversation view is not in out/renderer: build it before taking the screenshots.');
    testInfo.annotations.push({
      type: 'not covered',
      description: 'conversation.png: the conversation view (data-testid=conversation-view) is not in out/renderer yet',
    });
  }
  expect(outsideRequests).toEqual([]);
});

test.describe('quality', () => {
  test.use({ agents: [QA_AGENTS, { scope: 'test' }] });

  test('README screenshot: the review workspace with a scored call transcript', async ({
    page,
    server,
    webAgent,
    outsideRequests,
  }, testInfo) => {
    test.setTimeout(60_000);
    await publishScorecard(server, 'lee', CARD);
    const { call } = await annsDay(server);
    await page.goto(webAgent.url);
    await signIn(page, 'lee');
    await page.getByTestId('view-quality').click();
    const row = page.locator(`[data-testid=reviewable][data-conversation-id="${call}"]`);
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.getByRole('button').click();
    const lines = page.getByTestId('review-message');
    await expect(lines).toHaveCount(CALL_TURNS.length);
    await page.keyboard.press('y');
    await page.keyboard.press('4');
    await page.keyboard.press('3');
    await lines.nth(1).click();
    await lines.nth(3).click({ modifiers: ['Shift'] });
    await page.getByTestId('comment-body').fill('Offer the rebooking before apologising twice.');
    await page.getByTestId('comment-criterion').selectOption('script');
    await page.getByTestId('add-comment').click();
    await expect(page.getByTestId('transcript-comment')).toHaveCount(1);
    await page.getByTestId('review-feedback').fill('Calm and quick; rebooking offered without being asked.');
    await page.getByTestId('criterion-greeting').click();
    await expect(page.getByTestId('live-score')).toHaveText('88');
    // Leaving the feedback saved it: the picture shows everything on the server.
    await expect
      .poll(async () => (await server.db.query<{ feedback: string }>('select feedback from reviews')).rows, {
        timeout: 15_000,
      })
      .toEqual([{ feedback: 'Calm and quick; rebooking offered without being asked.' }]);
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
    await shoot(page, testInfo, 'review.png');
    expect(outsideRequests).toEqual([]);
  });
});
