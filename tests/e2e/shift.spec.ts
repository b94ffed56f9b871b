import type { Page } from '@playwright/test';
import type { AgentSpec, TestClient, TestServer } from '../../server/testing/testServer';
import { ALL_SKILLS, expect, goAvailable, MAX_CAPACITY, presenceOnServer, signIn, test } from './workspaceFixtures';

/**
 * An agent's shift, end to end: the issue's acceptance test. Ann works in the web agent (the real
 * renderer in Chromium, its sync engine in a SharedWorker) against the real routing backend
 * through the fault proxy: a public X post from a customer who emailed before, answered with an
 * approved answer in the public tone then as a private message, sent and resolved while the
 * network is down, a call offered and wrapped up, and a reply refused because a lead reassigned
 * the conversation while she was offline.
 */
const AGENTS: AgentSpec[] = [
  { id: 'ann', name: 'Ann Agent', skills: { ...ALL_SKILLS }, capacity: { ...MAX_CAPACITY } },
  // Took the customer's earlier email; later the colleague a lead hands Ann's chat to.
  { id: 'bob', name: 'Bob Backup', skills: { ...ALL_SKILLS } },
  { id: 'lead', name: 'Lee Lead', role: 'lead', skills: { ...ALL_SKILLS } },
];
// A list of objects would be read as Playwright's [value, options] form: wrap it in one.
test.use({ agents: [AGENTS, { scope: 'test' }] });

const CUSTOMER = 'Maya Lindqvist';
const TEMPLATE = {
  id: 'refund-approved',
  topic: 'refunds',
  title: 'Refund approved',
  renderings: {
    phone_script:
      'Thank you for calling, {firstName}. This is {agentName}. Your refund is approved under case {caseId} and reaches your account within five working days.',
    email:
      'Dear {firstName},\n\nYour refund is approved under case {caseId} and reaches your account within five working days.\n\nKind regards,\n{agentName}',
    public_social:
      'Hi {firstName}, {agentName} here: sorry for the wait! Your refund is on its way, track it at https://help.example.com/refunds/{caseId} ^{agentInitials}',
    private_social:
      "Hi {firstName}, thanks for your patience. I've approved your refund under case {caseId}; it reaches your account within five working days. {agentName}",
    chat: 'Hi {firstName}, {agentName} here: your refund is approved (case {caseId}).',
  },
};

/** What the composer must show: the rendering with every variable filled, computed here on its own. */
function filled(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/** X's weighted length for plain ASCII text: every URL counts as 23 characters, whatever its length. */
function xWeighted(text: string): number {
  return text.replace(/https?:\/\/\S+/g, 'x'.repeat(23)).length;
}

async function ingested(server: TestServer, interaction: Parameters<TestServer['ingest']>[0]): Promise<string> {
  const { status, body } = await server.ingest(interaction);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.conversationId as string;
}

async function conversationOnServer(server: TestServer, id: string) {
  const { rows } = await server.db.query<{ status: string; assigned_agent_id: string | null; customer_id: string }>(
    'select status, assigned_agent_id, customer_id from conversations where id = $1',
    [id],
  );
  return rows[0]!;
}

async function applied(client: TestClient, type: string, payload: Record<string, unknown>) {
  const result = await client.op(type, payload);
  expect(result, `${type} ${JSON.stringify(payload)}`).toMatchObject({ status: 'applied' });
}

function inboxRow(page: Page, conversationId: string) {
  return page.locator(`[data-testid=inbox-row][data-conversation-id="${conversationId}"]`);
}

/** Every connection to the server cut and new ones refused: the socket cannot reach it. */
async function loseNetwork(page: Page, faults: { refuse(on: boolean): void; cut(): void }) {
  faults.refuse(true);
  faults.cut();
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
}

test('a shift: public X post with the customer’s journey, tone switch, offline send and resolve, a call, a reply refused after reassignment', async ({
  page,
  server,
  faults,
  webAgent,
  outsideRequests,
}) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const sync = page.getByTestId('sync-status');
  const view = page.getByTestId('conversation-view');
  const composer = page.getByTestId('composer-text');

  // 1. Seed: the approved answer, and Maya's earlier email, answered and resolved by Bob.
  const earlierEmail = await test.step('seed: template and the customer’s earlier email, resolved', async () => {
    await server.addTemplate(TEMPLATE);
    const bob = await server.connect('bob');
    await applied(bob, 'presence.set', { presence: 'available' });
    const emailId = await ingested(server, {
      provider: 'email',
      providerMessageId: '<refund-1@mail.example>',
      channel: 'email',
      threadKey: '<refund-1@mail.example>',
      author: { kind: 'email', value: 'maya.lindqvist@mail.example', displayName: CUSTOMER },
      subject: 'Refund for order 4471',
      text: 'Hello, I returned the jacket from order 4471 last week. When will I get my money back?',
      occurredAt: new Date(server.clock.now() - 3 * 86_400_000).toISOString(),
    });
    expect(await conversationOnServer(server, emailId)).toMatchObject({ status: 'assigned', assigned_agent_id: 'bob' });
    await applied(bob, 'conversation.reply', {
      conversationId: emailId,
      messageId: crypto.randomUUID(),
      body: 'Dear Maya, the return arrived; the refund follows shortly. Bob',
      visibility: 'private',
    });
    await applied(bob, 'conversation.wrap_up', { conversationId: emailId, disposition: 'information_given' });
    await applied(bob, 'conversation.resolve', { conversationId: emailId });
    // Bob steps away: routing now has only Ann.
    await applied(bob, 'presence.set', { presence: 'away' });
    expect(await conversationOnServer(server, emailId)).toMatchObject({ status: 'resolved' });
    return emailId;
  });

  // 2. Ann signs in and goes Available.
  await test.step('sign in and go Available', async () => {
    await page.goto(webAgent.url);
    await signIn(page, 'ann');
    await goAvailable(page);
    await expect.poll(() => presenceOnServer(server, 'ann')).toBe('available');
  });

  // 3. A public X post from Maya: routed to Ann; linked to the email customer, the journey shows the email.
  const postId = await test.step('a public X post is routed to Ann; the journey shows the earlier email', async () => {
    const id = await ingested(server, {
      provider: 'x',
      providerMessageId: 'tweet-9001',
      channel: 'x_public',
      threadKey: 'tweet-9001',
      author: { kind: 'x_handle', value: '@maya_lq', displayName: CUSTOMER, followers: 1200 },
      text: '@SwitchboardAir still waiting for my refund for order 4471. Two weeks now. Anyone there?',
    });
    expect(await conversationOnServer(server, id)).toMatchObject({ status: 'assigned', assigned_agent_id: 'ann' });
    const row = inboxRow(page, id);
    await expect(row).toBeVisible({ timeout: 10_000 });
    await expect(row).toContainText(CUSTOMER);
    await row.click();
    await expect(view).toHaveAttribute('data-conversation-id', id);
    await expect(page.getByTestId('message').first()).toContainText('still waiting for my refund');

    // Ingestion suggests, never merges: the same name is the evidence, Ann decides.
    const journey = page.getByTestId('journey');
    const suggestion = journey.getByTestId('link-suggestion');
    await expect(suggestion).toBeVisible();
    await expect(suggestion).toContainText(`Same name`);
    await expect(suggestion).toContainText(CUSTOMER);
    await suggestion.getByRole('button', { name: /^Link/ }).click();
    await expect(suggestion).toHaveCount(0);
    const postCustomer = (await conversationOnServer(server, id)).customer_id;
    await expect.poll(async () => (await conversationOnServer(server, earlierEmail)).customer_id).toBe(postCustomer);

    const items = journey.getByTestId('journey-item');
    await expect(items).toHaveCount(2, { timeout: 10_000 });
    const email = journey.locator(`[data-testid=journey-item][data-conversation-id="${earlierEmail}"]`);
    await expect(email).toContainText('Email');
    await expect(email).toContainText('Refund for order 4471');
    await expect(email).toContainText('Resolved');
    await expect(journey.locator(`[data-testid=journey-item][data-conversation-id="${id}"]`)).toContainText(
      'This conversation',
    );
    return id;
  });

  const values = { firstName: 'Maya', agentName: 'Ann Agent', agentInitials: 'AA', caseId: postId };
  const publicText = filled(TEMPLATE.renderings.public_social, values);
  const privateText = filled(TEMPLATE.renderings.private_social, values);

  // 4. The approved answer in the public tone, variables filled, X's weighted count.
  await test.step('the approved answer in the public tone', async () => {
    await expect(page.getByTestId('tone-name')).toHaveText('Public post');
    await page.locator(`[data-testid=template-option][data-template-id="${TEMPLATE.id}"]`).click();
    await expect(composer).toHaveValue(publicText);
    await expect(page.getByTestId('missing-variables')).toHaveCount(0);
    await expect(page.getByTestId('pii-warning')).toHaveCount(0);
    const weighted = xWeighted(publicText);
    expect(weighted).toBeLessThan(publicText.length); // the long link counts as 23
    await expect(page.getByTestId('x-counter')).toContainText(`${weighted}/280`);
  });

  // 5. A private message instead: the same answer re-rendered in the private tone.
  await test.step('switch to a private message: the answer re-renders', async () => {
    await page.getByRole('radio', { name: 'Private message' }).check();
    await expect(page.getByTestId('tone-name')).toHaveText('Private message');
    await expect(composer).toHaveValue(privateText);
    await expect(page.getByTestId('x-counter')).toHaveCount(0); // a DM is not a post

    // Social to email (her address came with the linked record): the formal email, then back.
    await page.getByRole('radio', { name: 'Email to maya.lindqvist@mail.example' }).check();
    await expect(page.getByTestId('tone-name')).toHaveText('Formal email');
    await expect(composer).toHaveValue(filled(TEMPLATE.renderings.email, values));
    await page.getByRole('radio', { name: 'Private message' }).check();
    await expect(composer).toHaveValue(privateText);
  });

  // 6. The network goes mid-reply: Ann finishes, sends and resolves offline.
  const replyBody = `${privateText}\n\nAnything else, just write here.`;
  await test.step('offline: send (queued) and resolve', async () => {
    await loseNetwork(page, faults);
    await composer.fill(replyBody);
    await page.getByTestId('send-reply').click();
    await expect(composer).toHaveValue('');
    const sent = page.locator('[data-testid=message][data-direction=outbound]');
    await expect(sent).toHaveCount(1);
    await expect(sent).toHaveAttribute('data-visibility', 'private');
    await expect(sent).toHaveAttribute('data-queued', 'true');
    await expect(sent.getByTestId('message-queued')).toBeVisible();
    await expect(sent.locator('.cv-body')).toHaveText(replyBody);

    await page.getByTestId('wrap-up-disposition').selectOption('refund_issued');
    await page.getByTestId('wrap-up-resolve').click();
    await expect(view).toHaveCount(0); // resolved: the view closes
    await expect(sync).toHaveAttribute('data-pending', '3'); // reply, wrap-up, resolve
    await expect(page.getByTestId('offline-banner')).toContainText('3 waiting to send');
    expect(await conversationOnServer(server, postId)).toMatchObject({ status: 'assigned' });
  });

  // 7. Back online: everything reaches the server once.
  await test.step('back online: the reply is stored exactly once, the conversation resolved', async () => {
    faults.heal();
    await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
    await expect(sync).toHaveText('All changes saved');
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    const { rows } = await server.db.query<{
      body: string;
      visibility: string;
      author_agent_id: string;
      template_id: string | null;
    }>(
      "select body, visibility, author_agent_id, template_id from messages where conversation_id = $1 and direction = 'outbound'",
      [postId],
    );
    expect(rows).toEqual([
      { body: replyBody, visibility: 'private', author_agent_id: 'ann', template_id: TEMPLATE.id },
    ]);
    const { rows: anywhere } = await server.db.query<{ n: number }>(
      'select count(*)::int as n from messages where body = $1',
      [replyBody],
    );
    expect(anywhere[0]!.n).toBe(1);
    expect(await conversationOnServer(server, postId)).toMatchObject({ status: 'resolved', assigned_agent_id: 'ann' });
    const { rows: dispositions } = await server.db.query<{ code: string; agent_id: string }>(
      'select code, agent_id from dispositions where conversation_id = $1',
      [postId],
    );
    expect(dispositions).toEqual([{ code: 'refund_issued', agent_id: 'ann' }]);
  });

  // 8. A call: offered with a countdown, accepted, wrapped up.
  await test.step('a call is offered, accepted and wrapped up', async () => {
    // The server's test clock stands still; the offer's expiry must be in the browser's future.
    server.clock.ms = Date.now();
    const callId = await ingested(server, {
      provider: 'cti',
      providerMessageId: 'call-77-1',
      channel: 'voice',
      threadKey: 'call-77',
      kind: 'transcript',
      speaker: 'customer',
      author: { kind: 'phone', value: '+15550100177', displayName: 'Omar Haddad' },
      text: 'Hi, I am calling about my booking.',
    });
    expect(await conversationOnServer(server, callId)).toMatchObject({ status: 'offered', assigned_agent_id: 'ann' });
    const offer = page.getByTestId('offer');
    await expect(offer).toBeVisible({ timeout: 10_000 });
    await expect(offer).toContainText('Incoming call');
    await expect(offer).toContainText('Omar Haddad');
    await expect(offer.getByTestId('offer-countdown')).toHaveText(/^\d+ s left to answer$/);
    const countdown = offer.getByTestId('offer-countdown');
    const secondsLeft = async () => Number((await countdown.textContent())!.split(' ')[0]);
    const first = await secondsLeft();
    // The offer lasts 20 s (SWITCHBOARD_OFFER_SECONDS); the view's clock ticks every half second.
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(21);
    await expect.poll(secondsLeft, { timeout: 3_000 }).toBeLessThan(first); // it counts down
    await offer.getByTestId('offer-accept').click();
    await expect(offer).toHaveCount(0);
    await expect(view).toHaveAttribute('data-conversation-id', callId);
    await expect(view).toHaveAttribute('data-status', 'assigned');
    await expect(page.getByTestId('tone-name')).toHaveText('Phone script');

    // A long call: every turn shows whole (a transcript once squeezed each turn to its first line).
    for (let turn = 2; turn <= 12; turn++) {
      await ingested(server, {
        provider: 'cti',
        providerMessageId: `call-77-${turn}`,
        channel: 'voice',
        threadKey: 'call-77',
        kind: 'transcript',
        speaker: turn % 2 ? 'customer' : 'agent',
        author: { kind: 'phone', value: '+15550100177', displayName: 'Omar Haddad' },
        text: `Turn ${turn}: the booking is for two adults flying out on the morning flight and back the week after, with one checked bag each.`,
      });
    }
    const turns = view.getByTestId('message');
    await expect(turns).toHaveCount(12);
    const clipped = await turns.evaluateAll((items) =>
      items.flatMap((item) => {
        const body = item.querySelector('.cv-body');
        if (!body) return ['no body'];
        return body.getBoundingClientRect().bottom > item.getBoundingClientRect().bottom + 1
          ? [body.textContent ?? '']
          : [];
      }),
    );
    expect(clipped).toEqual([]);
    await expect
      .poll(() => conversationOnServer(server, callId))
      .toMatchObject({
        status: 'assigned',
        assigned_agent_id: 'ann',
      });

    await page.getByTestId('wrap-up-disposition').selectOption('information_given');
    await page.getByTestId('wrap-up-notes').fill('Booking reference confirmed on the phone.');
    await page.getByTestId('wrap-up-resolve').click();
    await expect(view).toHaveCount(0);
    await expect
      .poll(() => conversationOnServer(server, callId))
      .toMatchObject({
        status: 'resolved',
        assigned_agent_id: 'ann',
      });
    await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 10_000 });
    const { rows: dispositions } = await server.db.query<{ code: string; agent_id: string; notes: string }>(
      'select code, agent_id, notes from dispositions where conversation_id = $1',
      [callId],
    );
    expect(dispositions).toEqual([
      { code: 'information_given', agent_id: 'ann', notes: 'Booking reference confirmed on the phone.' },
    ]);
    const { rows: offers } = await server.db.query<{ agent_id: string; status: string }>(
      'select agent_id, status from offers where conversation_id = $1',
      [callId],
    );
    expect(offers).toEqual([{ agent_id: 'ann', status: 'accepted' }]);
  });

  // 9. Reassigned while offline: the reply is refused and kept as a draft.
  await test.step('reassigned while offline: the reply is refused and kept as a draft', async () => {
    const chatId = await ingested(server, {
      provider: 'chat',
      providerMessageId: 'chat-5-1',
      channel: 'chat',
      threadKey: 'chat-5',
      author: { kind: 'chat_visitor', value: 'visitor-5', displayName: 'Priya Natarajan' },
      text: 'Can I change the seat on my booking?',
    });
    expect(await conversationOnServer(server, chatId)).toMatchObject({ status: 'assigned', assigned_agent_id: 'ann' });
    await inboxRow(page, chatId).click();
    await expect(view).toHaveAttribute('data-conversation-id', chatId);
    await expect(page.getByTestId('tone-name')).toHaveText('Chat');

    await loseNetwork(page, faults);
    // Meanwhile a lead hands the chat to Bob.
    const lead = await server.connect('lead');
    await applied(lead, 'conversation.transfer', { conversationId: chatId, to: { kind: 'agent', agentId: 'bob' } });
    expect(await conversationOnServer(server, chatId)).toMatchObject({ assigned_agent_id: 'bob' });

    const typed = 'Yes, Priya: I can move you to 14A, a window seat. Shall I?';
    await composer.fill(typed);
    await page.getByTestId('send-reply').click();
    const queued = page.locator('[data-testid=message][data-direction=outbound]');
    await expect(queued).toHaveAttribute('data-queued', 'true');
    await expect(sync).toHaveAttribute('data-pending', '1');

    faults.heal();
    await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
    await expect(page.getByTestId('sync-issue-count')).toContainText('1 needs you');
    // The chat is Bob's now: it left Ann's computer, and her reply was rolled back.
    await expect(view).toHaveAttribute('data-state', 'missing');
    await expect(inboxRow(page, chatId)).toHaveCount(0);

    await sync.click();
    const panel = page.getByTestId('sync-panel');
    await expect(panel).toBeVisible();
    const issue = panel.getByTestId('sync-issue');
    await expect(issue).toHaveCount(1);
    await expect(issue).toContainText('the conversation is no longer yours');
    await issue.getByRole('button', { name: 'Keep as draft' }).click();
    await expect(panel.getByTestId('sync-issues-empty')).toBeVisible();
    const drafts = panel.getByTestId('sync-drafts').locator('li');
    await expect(drafts).toHaveCount(1);
    await expect(drafts).toHaveText(`“${typed}” (the conversation is no longer yours)`);

    const { rows } = await server.db.query<{ n: number }>(
      "select count(*)::int as n from messages where conversation_id = $1 and direction <> 'inbound'",
      [chatId],
    );
    expect(rows[0]!.n).toBe(0);
    const { rows: anywhere } = await server.db.query<{ n: number }>(
      'select count(*)::int as n from messages where body = $1',
      [typed],
    );
    expect(anywhere[0]!.n).toBe(0);
  });

  // 10. Throughout: nothing left 127.0.0.1, and the page never threw.
  expect(outsideRequests).toEqual([]);
  expect(errors).toEqual([]);
});
