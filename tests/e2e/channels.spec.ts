import { expect, goAvailable, signIn, test } from './workspaceFixtures';

/**
 * The channels end to end in Chromium: a customer on the web chat widget (served by the backend,
 * over its `/chat` namespace) and an agent in the web agent, typing indicators both ways, the
 * agent's reply delivered to the widget and marked sent; then a lead reads connector health after
 * a forged X delivery.
 */
test('a web chat visitor and an agent: typing both ways, the reply delivered and marked sent', async ({
  page,
  browser,
  server,
  webAgent,
  outsideRequests,
}) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(webAgent.url);
  await signIn(page, 'ann');
  await goAvailable(page);

  // Maya opens the company's page with the widget and starts a chat.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  visitor.on('pageerror', (error) => errors.push(`widget: ${error.message}`));
  await visitor.goto(`${server.url}/chat/demo`);
  await visitor.getByRole('button', { name: /^Chat with/ }).click();
  await visitor.getByLabel('Your name').fill('Maya Lindqvist');
  await visitor.getByLabel(/^Email/).fill('maya@mail.example');
  await visitor.getByRole('button', { name: 'Start chat' }).click();
  const visitorText = visitor.getByLabel('Your message');
  await visitorText.fill('Hi, my stroller did not arrive in Oslo. Can you help?');
  await visitor.getByRole('button', { name: 'Send' }).click();

  // It is routed to Ann as a chat; she opens it.
  await expect
    .poll(async () => {
      const { rows } = await server.db.query<{ assigned_agent_id: string | null }>(
        "select assigned_agent_id from conversations where channel = 'chat'",
      );
      return rows.map((r) => r.assigned_agent_id);
    })
    .toEqual(['ann']);
  const { rows } = await server.db.query<{ id: string }>("select id from conversations where channel = 'chat'");
  const conversationId = rows[0]!.id;
  await page.locator(`[data-testid=inbox-row][data-conversation-id="${conversationId}"]`).click();
  const view = page.getByTestId('conversation-view');
  await expect(view.getByTestId('transcript')).toContainText('my stroller did not arrive in Oslo');

  // Maya types: Ann sees it. Ann types: Maya sees it.
  await visitorText.pressSequentially('It is a blue one', { delay: 20 });
  await expect(page.getByTestId('customer-typing')).toHaveText('Maya Lindqvist is typing…');
  const composer = page.getByTestId('composer-text');
  await composer.pressSequentially('Hi Maya', { delay: 20 });
  await expect(visitor.getByText('Ann is typing…')).toBeVisible({ timeout: 10_000 });

  // Ann's reply reaches the widget, and her transcript says it was sent.
  const reply = 'Hi Maya, I found it: it is on the evening flight and we deliver it to your hotel tonight.';
  await composer.fill(reply);
  await page.getByTestId('send-reply').click();
  await expect(visitor.getByText(reply)).toBeVisible({ timeout: 15_000 });
  const sent = view.locator('[data-testid=message][data-direction=outbound]');
  await expect(sent.getByTestId('delivery')).toHaveText('Sent', { timeout: 15_000 });

  expect(errors).toEqual([]);
  expect(outsideRequests).toEqual([]);
  await visitorContext.close();
});

test('a lead sees connector health: a forged X delivery makes X failing, counted', async ({
  page,
  server,
  webAgent,
}) => {
  const forged = await fetch(`${server.url}/webhooks/x`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': 'sha256=Zm9yZ2Vk' },
    body: JSON.stringify({ for_user_id: '1', tweet_create_events: [] }),
  });
  expect(forged.status).toBe(401);

  await page.goto(webAgent.url);
  await signIn(page, 'lead');
  await page.getByRole('button', { name: 'Connectors' }).click();
  const x = page.getByTestId('connector-x');
  await expect(x).toHaveAttribute('data-status', 'failing');
  await expect(x).toContainText('1 bad signatures (100 % in the last hour)');
  await expect(x).toContainText('does not match the body');
  await expect(page.getByTestId('connector-chat')).toContainText('No traffic for a day');
});
