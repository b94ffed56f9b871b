import { afterEach, describe, expect, it } from 'vitest';
import { publishScorecard } from '../../server/qa/qaTestKit';
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

  it('two leads change one review: the second gets a version conflict with both versions, and keeps either', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'lou', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'dana', team: 't1', skills: { social: 3 } });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({ channel: 'x_public', text: '@skywardair my bag is lost' });
    const conversationId = body.conversationId as string;
    const card = await publishScorecard(t, 'lee', {
      name: 'Social',
      sections: [{ id: 's', title: 'S', criteria: [{ id: 'empathy', label: 'Empathy', weight: 1, scale: '1_5' }] }],
    });
    const reviewId = crypto.randomUUID();
    const review = (empathy: number, feedback: string) => ({
      reviewId,
      conversationId,
      scorecardId: card.scorecardId,
      scorecardVersion: 1,
      ratings: { empathy },
      feedback,
    });
    const lee = await t.connect('lee');
    expect(await lee.op('review.save', review(3, 'Lee first'))).toMatchObject({ status: 'applied' });

    // Lou sees version 1, then goes offline and changes it.
    const lou = device('lou');
    let engine = await lou.start(t.url);
    await expect.poll(async () => (await lou.db!.reviews.get(reviewId))?.version, { timeout: 10_000 }).toBe(1);
    await lou.stop();
    engine = await lou.start('http://127.0.0.1:9');
    await engine.enqueue('review.save', review(5, 'Lou offline'), 1);
    await lou.stop();
    // Meanwhile Lee changes it again: version 2.
    expect(await lee.op('review.save', review(2, 'Lee second'))).toMatchObject({ status: 'applied' });

    engine = await lou.start(t.url);
    await expect.poll(async () => (await engine.status()).issues, { timeout: 10_000 }).toBe(1);
    const [issue] = await lou.db!.syncIssues.toArray();
    expect(issue).toMatchObject({ reason: 'version_conflict', op: { payload: { ratings: { empathy: 5 } } } });
    // Both versions are at hand: Lou's in the issue, Lee's in the mirror.
    await expect
      .poll(async () => lou.db!.reviews.get(reviewId), { timeout: 10_000 })
      .toMatchObject({ version: 2, ratings: { empathy: 2 }, feedback: 'Lee second' });

    // Keep mine: sent again over version 2, applied once.
    await engine.keepMineIssue(issue!.id);
    await expect.poll(async () => (await engine.status()).pending, { timeout: 10_000 }).toBe(0);
    const stored = async () =>
      (
        await t.db.query<{ ratings: unknown; feedback: string; version: number }>(
          'select * from reviews where id = $1',
          [reviewId],
        )
      ).rows[0];
    expect(await stored()).toMatchObject({ ratings: { empathy: 5 }, feedback: 'Lou offline', version: 3 });
    expect(await engine.status()).toMatchObject({ issues: 0 });

    // Keep theirs: the next conflict is discarded and Lee's version stays.
    await lou.stop();
    engine = await lou.start('http://127.0.0.1:9');
    await engine.enqueue('review.save', review(1, 'Lou again'), 3);
    await lou.stop();
    expect(await lee.op('review.save', review(4, 'Lee third'), { baseVersion: 3 })).toMatchObject({
      status: 'applied',
    });
    engine = await lou.start(t.url);
    await expect.poll(async () => (await engine.status()).issues, { timeout: 10_000 }).toBe(1);
    const [second] = await lou.db!.syncIssues.toArray();
    await engine.discardIssue(second!.id);
    expect(await stored()).toMatchObject({ ratings: { empathy: 4 }, feedback: 'Lee third', version: 4 });
    await expect
      .poll(async () => lou.db!.reviews.get(reviewId), { timeout: 10_000 })
      .toMatchObject({ version: 4, ratings: { empathy: 4 } });
  });
});
