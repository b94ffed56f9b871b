import type { BrowserContext, Page } from '@playwright/test';
import type { Channel } from '../../shared/domain';
import type { InteractionInput } from '../../shared/ingest';
import { injectionPayloads as payloads, type InjectionPayload } from '../fixtures/injectionPayloads';
import { asShown, pageEvidence } from './injectionHelpers';
import { builtWith, expect, goAvailable, signIn, test } from './workspaceFixtures';

/**
 * Social posts, names, handles and emails are hostile input (DESIGN.md, Security model): every
 * payload of the corpus goes in through POST /api/ingest on every channel and every field the UI
 * shows, and must come out as text in the inbox and the conversation view.
 *
 * The page's CSP is bypassed on purpose: it would stop an injected handler or pixel on its own,
 * and this spec tests the rendering, not the CSP (shell.spec.ts does). So a payload rendered as
 * markup really runs (window.__pwned, a dialog) or really loads (an outside request).
 */
test.use({ bypassCSP: true });

interface Placed {
  payload: InjectionPayload;
  channel: Channel;
  interaction: Partial<InteractionInput> & { text: string };
  /** What the inbox row must show: the customer's name and, for email, the subject. */
  name: string;
  subject: string | null;
  /** The conversation's body as the transcript must show it (a prefix for the very long one). */
  body: string;
  conversationId?: string;
}

const SOCIAL: Channel[] = ['x_public', 'facebook', 'messenger', 'x_dm'];
/** Within ann's capacity (MAX_CAPACITY: social 20, chat 10, email 50); calls go last (a call waits for no chats). */
const QUOTA = { social: 18, chat: 9, voice: 2 };

function channelPlan(count: number): Channel[] {
  const plan: Channel[] = [];
  let social = 0;
  let chat = 0;
  for (let i = 0; i < count - QUOTA.voice; i++) {
    if (i % 4 === 1 && social < QUOTA.social) plan.push(SOCIAL[social++ % SOCIAL.length]!);
    else if (i % 8 === 3 && chat < QUOTA.chat) {
      chat++;
      plan.push('chat');
    } else plan.push('email');
  }
  for (let i = 0; i < QUOTA.voice; i++) plan.push('voice');
  return plan;
}

/** Puts a payload in every field its channel has: post or body text, display name or handle, subject. */
function place(payload: InjectionPayload, channel: Channel, n: number): Placed {
  const { id, text } = payload;
  const name = text.slice(0, 200);
  const threadKey = `thread-${id}`;
  const base = { provider: 'injection', providerMessageId: `msg-${id}`, channel, threadKey, text };
  let interaction: Placed['interaction'];
  let shownName = name;
  let subject: string | null = null;
  switch (channel) {
    case 'x_public':
      // Every other post has no display name: the handle itself is what the inbox shows.
      if (n % 2 === 0) {
        interaction = { ...base, author: { kind: 'x_handle', value: text.slice(0, 320), followers: 1200 } };
        shownName = text.slice(0, 320);
      } else {
        interaction = { ...base, author: { kind: 'x_handle', value: `@${id}`, displayName: name, followers: 1200 } };
      }
      break;
    case 'x_dm':
      interaction = { ...base, author: { kind: 'x_handle', value: `@dm_${id}`, displayName: name } };
      break;
    case 'facebook':
    case 'messenger':
      interaction = { ...base, author: { kind: 'facebook_id', value: `fb-${id}`, displayName: name } };
      break;
    case 'chat':
      interaction = { ...base, author: { kind: 'chat_visitor', value: `visitor-${id}`, displayName: name } };
      break;
    case 'email':
      subject = text.slice(0, 1000);
      interaction = {
        ...base,
        subject,
        author: { kind: 'email', value: `${id}@customers.example`, displayName: name },
      };
      break;
    case 'voice':
      interaction = {
        ...base,
        kind: 'transcript',
        speaker: 'customer',
        author: { kind: 'phone', value: `+1555010${String(n).padStart(4, '0')}`, displayName: name },
      };
      break;
  }
  return { payload, channel, interaction, name: shownName, subject, body: text.slice(0, 2000) };
}

/** Records every dialog (and dismisses it) and every uncaught page error. */
function watch(page: Page, dialogs: string[], errors: string[]) {
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (error) => errors.push(error.message));
}

async function routeOutside(context: BrowserContext, outside: string[]) {
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      outside.push(route.request().url());
      return route.abort();
    },
  );
}

test('hostile names, handles, subjects, posts and email bodies render as text in the inbox and the conversation', async ({
  page,
  browser,
  server,
  webAgent,
  outsideRequests,
}, testInfo) => {
  test.setTimeout(120_000);
  expect(payloads.length).toBeGreaterThanOrEqual(50);
  const started = Date.now();
  const withView = builtWith('conversation-view');
  if (!withView) {
    testInfo.annotations.push({
      type: 'not covered',
      description: 'the conversation view (data-testid=conversation-view) is not in out/renderer yet: inbox rows only',
    });
  }
  const dialogs: string[] = [];
  const errors: string[] = [];
  watch(page, dialogs, errors);

  await page.goto(webAgent.url);
  const appUrl = page.url();
  await signIn(page, 'ann');
  await goAvailable(page);

  // In: every payload, on every channel and field; calls last, once ann has chats (so they queue).
  const plan = channelPlan(payloads.length);
  const placed = payloads.map((p, i) => place(p, plan[i]!, i));
  const routed = placed.filter((p) => p.channel !== 'voice');
  for (let i = 0; i < routed.length; i += 16) {
    await Promise.all(
      routed.slice(i, i + 16).map(async (p) => {
        const { status, body } = await server.ingest(p.interaction);
        expect(status, `${p.payload.id}: ${JSON.stringify(body)}`).toBe(200);
        p.conversationId = String(body.conversationId);
      }),
    );
  }
  for (const p of placed.filter((q) => q.channel === 'voice')) {
    const { status, body } = await server.ingest(p.interaction);
    expect(status, `${p.payload.id}: ${JSON.stringify(body)}`).toBe(200);
    p.conversationId = String(body.conversationId);
  }
  await server.settle();
  const { rows } = await server.db.query<{ id: string; status: string; assigned_agent_id: string | null }>(
    'select id, status, assigned_agent_id from conversations',
  );
  const onServer = new Map(rows.map((r) => [r.id, r]));
  const mine = placed.filter((p) => onServer.get(p.conversationId!)?.assigned_agent_id === 'ann');
  const queued = placed.filter((p) => onServer.get(p.conversationId!)?.status === 'queued');
  // Every conversation but the calls went to ann; the calls wait in the queue for a lead to see.
  expect(
    mine.map((p) => p.payload.id),
    JSON.stringify(rows.filter((r) => r.assigned_agent_id !== 'ann')),
  ).toEqual(routed.map((p) => p.payload.id));
  expect(queued.map((p) => p.channel)).toEqual(['voice', 'voice']);
  testInfo.annotations.push({
    type: 'timing',
    description: `signed in and ingested ${placed.length} in ${Date.now() - started} ms`,
  });

  /**
   * Each conversation in turn: found by its id in the inbox search, its row checked, then opened.
   * The waits run in the page (one round trip each), so 80 conversations take seconds, not minutes.
   */
  const verify = async (who: Page, list: Placed[]) => {
    await expect(who.getByTestId('inbox-count')).toHaveText(`${list.length} conversations`, { timeout: 20_000 });
    const search = who.getByTestId('inbox-search');
    for (const p of list) {
      const label = `${p.payload.id} (${p.payload.category}) on ${p.channel}`;
      const id = p.conversationId!;
      await search.fill(id);
      // The one row left, on screen: its text, and where to click it.
      const row = (await (
        await who.waitForFunction((cid) => {
          const rows = document.querySelectorAll('[data-testid=inbox-row]');
          const found = rows[0];
          if (rows.length !== 1 || found?.getAttribute('data-conversation-id') !== cid || !found.checkVisibility()) {
            return false;
          }
          const box = found.getBoundingClientRect();
          return { text: found.textContent ?? '', x: box.x + box.width / 2, y: box.y + box.height / 2 };
        }, id)
      ).jsonValue()) as { text: string; x: number; y: number };
      const rowText = row.text;
      expect(asShown(rowText), `${label}: the customer's name as text in the inbox`).toContain(asShown(p.name));
      if (p.subject !== null) {
        expect(asShown(rowText), `${label}: the subject as text in the inbox`).toContain(asShown(p.subject));
      }

      if (withView) {
        // A real click where the row is (one round trip; the row was checked visible just now).
        await who.mouse.click(row.x, row.y);
        // The view of this conversation, its messages rendered: its text and the transcript's.
        const shown = (await (
          await who.waitForFunction((cid) => {
            const view = document.querySelector(`[data-testid=conversation-view][data-conversation-id="${cid}"]`);
            const transcript = view?.querySelector('[data-testid=transcript]');
            return view?.checkVisibility() && transcript?.querySelector('[data-testid=message]')
              ? { view: view.textContent ?? '', transcript: transcript.textContent ?? '' }
              : false;
          }, id)
        ).jsonValue()) as { view: string; transcript: string };
        expect(asShown(shown.transcript), `${label}: the body as text in the transcript`).toContain(asShown(p.body));
        expect(asShown(shown.view), `${label}: the customer's name as text in the view`).toContain(asShown(p.name));
        if (p.subject !== null) {
          expect(asShown(shown.view), `${label}: the subject as text in the view`).toContain(asShown(p.subject));
        }
      }
      const evidence = await pageEvidence(who);
      expect(evidence.injected, label).toEqual([]);
      expect(evidence.globals, label).toEqual([]);
    }
    await search.fill('');
  };

  await verify(page, mine);

  // A lead sees the queue (the calls ann could not take while she had chats).
  const leadContext = await browser.newContext({ bypassCSP: true });
  await routeOutside(leadContext, outsideRequests);
  const lead = await leadContext.newPage();
  watch(lead, dialogs, errors);
  await lead.goto(webAgent.url);
  await signIn(lead, 'lead');
  await lead.getByTestId('scope-queue').click();
  await expect(lead.getByTestId('scope-queue')).toHaveAttribute('aria-pressed', 'true');
  await verify(lead, queued);

  for (const who of [page, lead]) {
    const evidence = await pageEvidence(who);
    expect(evidence.location, 'no payload navigated the page').toBe(appUrl);
    expect(evidence.baseURI, 'no payload re-based the page').toBe(appUrl);
    if (evidence.links.length) {
      testInfo.annotations.push({ type: 'links from customer text', description: evidence.links.join(' ') });
    }
  }
  await leadContext.close();

  expect(dialogs, 'no payload opened a dialog').toEqual([]);
  expect(outsideRequests, 'no payload loaded anything from outside').toEqual([]);
  const payloadErrors = errors.filter((e) => /inj-\d\d|__pwned/.test(e));
  expect(payloadErrors, 'no payload code ran and threw').toEqual([]);
  if (errors.length) testInfo.annotations.push({ type: 'page errors', description: errors.join('\n') });
  testInfo.annotations.push({
    type: 'timing',
    description: `${placed.length} payloads, ${withView ? 'inbox and conversation view' : 'inbox only'}, ${Date.now() - started} ms`,
  });
});

/**
 * The checks above are only worth something if they notice a payload rendered as markup. Here
 * every payload is put into a blank page with innerHTML, the way a careless view would: each one
 * that has markup must be caught by the DOM scan or by the text comparison, and together they must
 * trip the script marker, a dialog and an outside request.
 */
test('the injection checks notice a payload rendered as markup', async ({ context, outsideRequests }) => {
  const dialogs: string[] = [];
  const errors: string[] = [];
  const blank = '<!doctype html><html><head><title>blank</title></head><body></body></html>';
  const fresh = async () => {
    const page = await context.newPage();
    watch(page, dialogs, errors);
    await page.setContent(blank);
    return page;
  };
  let page = await fresh();
  let markers = 0;
  const missed: string[] = [];
  for (const p of payloads) {
    let caught: boolean;
    try {
      const shown = await page.evaluate((html) => {
        document.body.replaceChildren();
        const container = document.createElement('div');
        container.innerHTML = html;
        document.body.append(container);
        return container.textContent ?? '';
      }, p.text);
      const evidence = await pageEvidence(page);
      caught = evidence.injected.length > 0 || asShown(shown) !== asShown(p.text);
      if (evidence.globals.length) markers++;
    } catch {
      // It navigated the page (a meta refresh) or took the renderer down: caught; start again.
      caught = true;
      if (!page.isClosed()) await page.close();
      page = await fresh();
    }
    if (!caught && p.threat !== 'text' && /<[a-z!?/]/i.test(p.text)) missed.push(`${p.id} (${p.category})`);
  }
  expect(missed, 'payloads with markup that the checks would not notice').toEqual([]);
  await expect.poll(() => outsideRequests.some((url) => url.includes('evil.example/inj-'))).toBe(true);
  await expect.poll(() => dialogs.length).toBeGreaterThan(0);
  expect(markers, 'payloads that set window.__pwned when rendered').toBeGreaterThan(0);
});
