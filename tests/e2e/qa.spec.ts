import type { Browser, Page } from '@playwright/test';
import { publishScorecard } from '../../server/qa/qaTestKit';
import type { TestServer } from '../../server/testing/testServer';
import { annsDay, CARD, QA_AGENTS, submittedReview } from './qaData';
import { expect, signIn, test } from './workspaceFixtures';

/**
 * QA scoring end to end (issue 8), in the real renderer against the real backend through the
 * fault proxy. Lee, a team lead, scores a resolved call and a public X thread with comments
 * anchored to a span of the call and a range of the customer's post, all while offline; restarts
 * the app; reconnects; each review lands once. Ann disputes a criterion and Lee decides it. Three
 * leads calibrate blind on an email and Lee sees the spread once he submitted.
 */
test.use({ agents: [QA_AGENTS, { scope: 'test' }] });

function rowOf(page: Page, testId: string, conversationId: string) {
  return page.locator(`[data-testid=${testId}][data-conversation-id="${conversationId}"]`);
}

/** Selects `text` inside a message of the review transcript, as a lead drags over it, and lets go. */
async function selectText(page: Page, messageId: string, text: string) {
  const message = page.locator(`[data-testid=review-message][data-message-id="${messageId}"]`);
  await message.locator('.rv-body').evaluate((body, wanted) => {
    const node = body.firstChild!;
    const start = node.textContent!.indexOf(wanted);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + wanted.length);
    const selection = document.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
  }, text);
  await message.dispatchEvent('mouseup');
}

async function loseNetwork(page: Page, faults: { refuse(on: boolean): void; cut(): void }) {
  faults.refuse(true);
  faults.cut();
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 10_000 });
}

async function openQuality(page: Page, tab: string) {
  await page.getByTestId('view-quality').click();
  await page.getByTestId(`quality-tab-${tab}`).click();
}

async function signedInPage(browser: Browser, url: string, agentId: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await signIn(page, agentId);
  return page;
}

interface StoredReview {
  id: string;
  conversation_id: string;
  status: string;
  score: number;
  ratings: Record<string, unknown>;
  comments: { anchor: Record<string, unknown>; body: string }[];
  calibration_id: string | null;
}

const reviewsOnServer = async (server: TestServer) =>
  (
    await server.db.query<StoredReview>(
      "select * from reviews where reviewer_id = 'lee' and calibration_id is null order by conversation_id",
    )
  ).rows;

test('a lead scores a call and a public X thread offline, restarts, reconnects; an agent disputes; three leads calibrate', async ({
  page,
  browser,
  server,
  faults,
  webAgent,
}) => {
  test.setTimeout(180_000);
  const card = await publishScorecard(server, 'lee', CARD);
  const { call, x, email } = await annsDay(server);
  const { rows: callLines } = await server.db.query<{ id: string; body: string }>(
    'select id, body from messages where conversation_id = $1 order by created_at, id',
    [call],
  );
  const { rows: xLines } = await server.db.query<{ id: string; body: string }>(
    "select id, body from messages where conversation_id = $1 and direction = 'inbound'",
    [x],
  );

  await page.goto(webAgent.url);
  await signIn(page, 'lee');

  await test.step('offline: the lead scores the call with keys and comments on a span of it', async () => {
    await openQuality(page, 'review');
    await expect(rowOf(page, 'reviewable', call)).toBeVisible({ timeout: 15_000 });
    await expect(rowOf(page, 'reviewable', x)).toBeVisible();
    await loseNetwork(page, faults);

    await rowOf(page, 'reviewable', call).getByRole('button').click();
    const workspace = page.getByTestId('review-workspace');
    await expect(workspace.getByTestId('review-scorecard')).toHaveText('Customer care, version 1');
    const lines = workspace.getByTestId('review-message');
    await expect(lines).toHaveCount(4);
    await expect(workspace.getByTestId('segment-time')).toHaveText(['0:00', '0:15', '0:30', '0:45']);
    // The call is asked greeting, empathy and the script; personal data in public does not apply.
    await expect(page.getByTestId('criterion-pii')).toContainText('Does not apply');
    await expect(page.getByTestId('criterion-greeting')).toHaveAttribute('data-focused', 'true');
    // Keys: y on the greeting, 4 on empathy, 3 on the script; each moves to the next criterion.
    await page.keyboard.press('y');
    await page.keyboard.press('4');
    await page.keyboard.press('3');
    await expect(page.getByTestId('criterion-greeting')).toHaveAttribute('data-rating', 'yes');
    await expect(page.getByTestId('criterion-empathy')).toHaveAttribute('data-rating', '4');
    await expect(page.getByTestId('criterion-script')).toHaveAttribute('data-rating', '3');
    // (100 + 2 × 75 + 100) / 4 = 87.5
    await expect(page.getByTestId('live-score')).toHaveText('88');

    // A span of the call: the second turn to the fourth.
    await lines.nth(1).click();
    await lines.nth(3).click({ modifiers: ['Shift'] });
    await expect(page.getByTestId('comment-target')).toHaveText('Comment on: Call 0:15–0:57');
    await page.getByTestId('comment-body').fill('Offer the rebooking before apologising twice.');
    await page.getByTestId('comment-criterion').selectOption('script');
    await page.getByTestId('add-comment').click();
    await expect(workspace.getByTestId('transcript-comment')).toHaveCount(1);
    await page.getByTestId('review-feedback').fill('Calm and quick; rebooking offered without being asked.');
    await page.getByTestId('submit-review').click();
    await expect(page.getByTestId('submit-review')).toHaveCount(0);
    await expect(page.getByTestId('rating-read').first()).toBeVisible();
    await page.getByTestId('review-back').click();
  });

  await test.step('offline: the lead scores the public X thread and comments on a range of the post', async () => {
    await rowOf(page, 'reviewable', x).getByRole('button').click();
    const workspace = page.getByTestId('review-workspace');
    await expect(workspace.getByTestId('review-message')).toHaveCount(2);
    await expect(page.getByTestId('criterion-script')).toContainText('Does not apply');
    await page.getByTestId('rate-greeting-no').click();
    await page.getByTestId('rate-empathy-2').click();
    await page.getByTestId('rate-pii-yes').click();
    // (0 + 2 × 25 + 100) / 4 = 37.5
    await expect(page.getByTestId('live-score')).toHaveText('38');
    await selectText(page, xLines[0]!.id, 'torn open');
    await expect(page.getByTestId('comment-target')).toHaveText('Comment on: “torn open”');
    await page.getByTestId('comment-body').fill('Name the damage back to the customer.');
    await page.getByTestId('add-comment').click();
    await expect(workspace.getByTestId('comment-mark')).toHaveText('torn open');
    await page.getByTestId('submit-review').click();
    await expect(page.getByTestId('submit-review')).toHaveCount(0);
    // Nothing reached the server: both reviews wait in the outbox.
    expect(await reviewsOnServer(server)).toEqual([]);
    expect(Number(await page.getByTestId('sync-status').getAttribute('data-pending'))).toBeGreaterThanOrEqual(6);
  });

  await test.step('the app restarts offline, reconnects, and each review lands exactly once', async () => {
    await page.reload();
    await expect(page.getByTestId('signed-in-agent')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });
    expect(Number(await page.getByTestId('sync-status').getAttribute('data-pending'))).toBeGreaterThanOrEqual(6);
    // Still offline, the lead's list shows both reviews as submitted.
    await openQuality(page, 'review');
    await expect(page.getByTestId('submitted-review')).toHaveCount(2);
    await expect(page.getByTestId('draft-review')).toHaveCount(0);
    faults.refuse(false);
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
    const reviews = await reviewsOnServer(server);
    expect(reviews.map((r) => [r.conversation_id, r.status, r.score])).toEqual(
      [
        [call, 'submitted', 87.5],
        [x, 'submitted', 37.5],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const byConversation = new Map(reviews.map((r) => [r.conversation_id, r]));
    expect(byConversation.get(call)!.ratings).toEqual({ greeting: 'yes', empathy: 4, script: 3 });
    expect(byConversation.get(call)!.comments).toMatchObject([
      {
        anchor: { kind: 'time', startMs: 15_000, endMs: 57_000 },
        body: 'Offer the rebooking before apologising twice.',
      },
    ]);
    const start = xLines[0]!.body.indexOf('torn open');
    expect(byConversation.get(x)!.ratings).toEqual({ greeting: 'no', empathy: 2, pii: 'yes' });
    expect(byConversation.get(x)!.comments).toMatchObject([
      { anchor: { kind: 'text', messageId: xLines[0]!.id, start, end: start + 'torn open'.length } },
    ]);
    // Each op applied once: as many results as ops the lead's device sent, none refused.
    const { rows: results } = await server.db.query<{ status: string; n: number }>(
      `select r.result->>'status' as status, count(*)::int as n from op_results r where r.client_id in
         (select distinct last_client_id from reviews where reviewer_id = 'lee') group by 1`,
    );
    expect(results).toHaveLength(1);
    expect(results[0]!.status).toBe('applied');
    expect(results[0]!.n).toBeGreaterThanOrEqual(6);
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'saved');
    expect(callLines).toHaveLength(4);
  });

  const annPage = await signedInPage(browser, webAgent.url, 'ann');
  await test.step('the agent disputes a criterion of her review', async () => {
    await openQuality(annPage, 'mine');
    const items = annPage.getByTestId('my-review-item');
    await expect(items).toHaveCount(2, { timeout: 15_000 });
    const callReview = (await reviewsOnServer(server)).find((r) => r.conversation_id === call)!;
    await annPage.locator(`[data-testid=my-review-item][data-review-id="${callReview.id}"]`).click();
    const detail = annPage.getByTestId('my-review');
    await expect(detail.getByTestId('review-scorecard')).toContainText('Customer care, version 1');
    await expect(detail.getByTestId('comment-anchor')).toContainText('0:15');
    // The call itself, with the lead's comment under the span it is about.
    await expect(detail.getByTestId('review-message')).toHaveCount(4);
    await expect(detail.getByTestId('transcript-comment')).toContainText('Call 0:15–0:57');
    const empathy = detail.getByTestId('criterion-empathy');
    await expect(empathy.getByTestId('criterion-rating')).toContainText('4 of 5');
    await empathy.getByTestId('dispute-button').click();
    await annPage.getByTestId('dispute-comment').fill('I apologised and rebooked her at once; that is a 5.');
    await annPage.getByTestId('send-dispute').click();
    await expect(empathy.getByTestId('criterion-dispute')).toHaveAttribute('data-status', 'open');
    await expect
      .poll(async () => (await server.db.query("select status from disputes where agent_id = 'ann'")).rows, {
        timeout: 15_000,
      })
      .toEqual([{ status: 'open' }]);
  });

  await test.step('the lead partly accepts it and the agent sees every step', async () => {
    await openQuality(page, 'disputes');
    const item = page.getByTestId('dispute-item');
    await expect(item).toHaveCount(1, { timeout: 15_000 });
    await item.getByTestId('decision-partly_accepted').check();
    await item.getByTestId('decision-rating').selectOption('5');
    await item.getByTestId('decision-comment').fill('Fair: the apology came before the fix. Empathy 5.');
    await item.getByTestId('send-decision').click();
    await expect
      .poll(async () => (await server.db.query("select status from disputes where agent_id = 'ann'")).rows, {
        timeout: 15_000,
      })
      .toEqual([{ status: 'partly_accepted' }]);
    const callReview = (await reviewsOnServer(server)).find((r) => r.conversation_id === call)!;
    expect(callReview.ratings).toMatchObject({ empathy: 5 });
    // (100 + 2 × 100 + 100) / 4
    expect(callReview.score).toBe(100);
    const steps = annPage.getByTestId('dispute-step');
    await expect(steps).toHaveCount(2, { timeout: 15_000 });
    await expect(steps.nth(1)).toHaveAttribute('data-kind', 'partly_accepted');
    await expect(annPage.getByTestId('my-review').getByTestId('review-score')).toContainText('100');
  });
  await annPage.context().close();

  await test.step('three leads calibrate blind and the lead sees the spread once he submitted', async () => {
    await openQuality(page, 'calibrations');
    await page.getByTestId('calibration-start').click();
    await page.getByTestId('calibration-conversation').selectOption(email);
    await page.getByTestId('calibration-scorecard').selectOption(`${card.scorecardId}@1`);
    await page.getByTestId('calibration-participant-kim').check();
    await page.getByTestId('calibration-participant-ola').check();
    await page.getByTestId('calibration-start-confirm').click();
    await expect
      .poll(async () => (await server.db.query('select id from calibrations')).rows.length, { timeout: 15_000 })
      .toBe(1);
    const { rows } = await server.db.query<{ id: string; participants: string[] }>('select * from calibrations');
    const calibrationId = rows[0]!.id;
    expect([...rows[0]!.participants].sort()).toEqual(['kim', 'lee', 'ola']);

    // Kim and Ola score first, from their own computers.
    const blind = (lead: string, ratings: Record<string, unknown>) =>
      submittedReview(server, lead, { conversationId: email, scorecardId: card.scorecardId, ratings, calibrationId });
    await blind('kim', { greeting: 'yes', empathy: 5 });
    await blind('ola', { greeting: 'no', empathy: 3 });

    const item = page.getByTestId(`calibration-item-${calibrationId}`);
    await expect(item.getByTestId('calibration-blind')).toBeVisible();
    // Blind: nothing of the others' scores until Lee submits his own.
    await expect(item.getByTestId('spread-table')).toHaveCount(0);
    await item.getByTestId('score-blind').click();
    await expect(page.getByTestId('review-scorecard')).toContainText('Blind calibration');
    await page.getByTestId('rate-greeting-yes').click();
    await page.getByTestId('rate-empathy-4').click();
    await page.getByTestId('submit-review').click();
    await expect(page.getByTestId('submit-review')).toHaveCount(0);
    await page.getByTestId('review-back').click();

    const spread = item.getByTestId('spread-table');
    await expect(spread).toBeVisible({ timeout: 15_000 });
    // Greeting: yes, yes, no → 100 points apart; empathy 4, 5, 3 → 75, 100, 50: 50 points apart.
    await expect(spread.getByTestId('spread-greeting')).toHaveAttribute('data-spread', '100');
    await expect(spread.getByTestId('spread-empathy')).toHaveAttribute('data-spread', '50');
    await expect(spread.getByTestId('spread-greeting')).toHaveAttribute('data-disagree', 'true');
    for (const lead of ['lee', 'kim', 'ola']) await expect(spread.getByTestId(`spread-column-${lead}`)).toBeVisible();
  });
});
