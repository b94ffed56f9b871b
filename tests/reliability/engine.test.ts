import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../server/testing/testDatabase';
import { startTestServer, type TestServer } from '../../server/testing/testServer';
import { Device } from './syncClient';

/** The sync engine (renderer/sync) against the real backend, one device at a time. */
describe.each(DB_KINDS)('sync engine on %s', { timeout: 30_000 }, (kind) => {
  let t: TestServer;
  const devices: Device[] = [];
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.stop();
    await t?.close();
  });

  const device = (agentId: string) => {
    const d = new Device(agentId, () => t.signIn(agentId));
    devices.push(d);
    return d;
  };

  it('an op queued offline shows at once, is sent on connect, applied once, and the mirror converges', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'ann', skills: { social: 3 } });
    const ann = device('ann');
    // Offline: the server is not reachable yet (a closed port).
    const engine = await ann.start('http://127.0.0.1:9');
    await engine.enqueue('presence.set', { presence: 'available' });
    expect(await engine.status()).toMatchObject({ connection: 'offline', pending: 1 });
    await ann.stop();

    const online = await ann.start(t.url);
    await expect
      .poll(async () => online.status(), { timeout: 10_000 })
      .toMatchObject({ pending: 0, connection: 'online' });
    const { rows } = await t.db.query<{ presence: string }>("select presence from agents where id = 'ann'");
    expect(rows[0]!.presence).toBe('available');
    expect(await ann.db!.agents.get('ann')).toMatchObject({ presence: 'available' });
    expect((await t.db.query('select 1 from op_results where client_id = $1', [online.clientId])).rowCount).toBe(1);

    // The server routes to her; her mirror gets the conversation and its message.
    const { body } = await t.ingest({ channel: 'x_dm', text: 'where is my bag' });
    await expect
      .poll(() => ann.db!.conversations.get(body.conversationId as string), { timeout: 10_000 })
      .toBeDefined();
    expect(await ann.db!.messages.get(body.messageId as string)).toMatchObject({ body: 'where is my bag' });
  });

  it('a refused reply is rolled back, becomes a sync issue, and can be turned into a draft', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'ann', skills: { social: 3 } });
    const ann = device('ann');
    const engine = await ann.start(t.url);
    await expect.poll(async () => (await engine.status()).connection, { timeout: 10_000 }).toBe('online');
    const messageId = crypto.randomUUID();
    // Not her conversation: the server refuses.
    await engine.enqueue('conversation.reply', {
      conversationId: 'nobodys',
      messageId,
      body: 'Hello!',
      visibility: 'private',
    });
    await expect.poll(async () => (await engine.status()).issues, { timeout: 10_000 }).toBe(1);
    expect(await ann.db!.messages.get(messageId)).toBeUndefined();
    expect(await ann.db!.shadows.count()).toBe(0);
    const [issue] = await ann.db!.syncIssues.toArray();
    expect(issue).toMatchObject({ reason: 'not_found', detail: 'This conversation does not exist.' });
    await engine.issueToDraft(issue!.id);
    expect(await ann.db!.drafts.get(messageId)).toMatchObject({ body: 'Hello!', conversationId: 'nobodys' });
    expect(await engine.status()).toMatchObject({ issues: 0, pending: 0 });
  });

  it('a cursor the server cannot continue (reset_required) rebuilds the mirror and keeps the outbox', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'ann', skills: { social: 3 } });
    const ann = device('ann');
    let engine = await ann.start(t.url);
    await engine.enqueue('presence.set', { presence: 'available' });
    await expect.poll(async () => (await engine.status()).pending, { timeout: 10_000 }).toBe(0);
    await ann.stop();
    // A cursor from another database: ahead of anything this server has.
    engine = await ann.start('http://127.0.0.1:9');
    await ann.db!.meta.put({ key: 'cursor', value: 1_000_000 });
    await ann.db!.conversations.put({ id: 'stale', status: 'assigned' });
    await engine.enqueue('presence.set', { presence: 'busy' });
    await ann.stop();
    engine = await ann.start(t.url);
    await expect.poll(async () => (await engine.status()).pending, { timeout: 10_000 }).toBe(0);
    expect(await ann.db!.conversations.get('stale')).toBeUndefined();
    expect(await ann.db!.agents.get('ann')).toMatchObject({ presence: 'busy' });
    expect(Number((await ann.db!.meta.get('cursor'))!.value)).toBeLessThan(1_000_000);
  });
});
