import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { publishScorecard } from './qaTestKit';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/**
 * QA reviews as ops: only leads score, never their own conversation; the server computes the
 * score with the scorecard version given; compare-and-set across devices; the agent sees a review
 * only once it is submitted, and never another agent's.
 */
describe.each(DB_KINDS)('QA reviews on %s', { timeout: 40_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  async function setUp() {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'lou', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'dana', team: 't1' });
    await t.addAgent({ id: 'omar', team: 't1' });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({ channel: 'x_public', text: '@skywardair my bag is lost' });
    const conversationId = body.conversationId as string;
    expect((await t.conversation(conversationId)).assigned_agent_id).toBe('dana');
    const card = await publishScorecard(t, 'lee', {
      name: 'Social',
      sections: [
        {
          id: 's',
          title: 'Social',
          criteria: [
            { id: 'greeting', label: 'Greets', weight: 1, scale: 'yes_no' },
            { id: 'empathy', label: 'Empathy', weight: 2, scale: '1_5' },
            { id: 'accuracy', label: 'Accurate', weight: 3, scale: '1_3', critical: true },
          ],
        },
      ],
    });
    return { dana, conversationId, scorecardId: card.scorecardId };
  }

  const save = (client: TestClient, payload: Record<string, unknown>, baseVersion?: number) =>
    client.op('review.save', payload, baseVersion === undefined ? {} : { baseVersion });

  it('scores with the published version, saves offline edits in order, and submits to the agent', async () => {
    const { dana, conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const reviewId = crypto.randomUUID();
    const base = { reviewId, conversationId, scorecardId, scorecardVersion: 1 };
    // (100·1 + 75·2 + 50·3) / 6 = 66.67; then accuracy 3: (100 + 150 + 300) / 6 = 91.67.
    expect(await save(lee, { ...base, ratings: { greeting: 'yes', empathy: 4, accuracy: 2 } })).toMatchObject({
      status: 'applied',
    });
    // The same device's next save follows its own: no base version needed.
    expect(
      await save(lee, { ...base, ratings: { greeting: 'yes', empathy: 4, accuracy: 3 }, feedback: 'Good recovery' }),
    ).toMatchObject({ status: 'applied' });
    const { rows } = await t.db.query<{ score: number; version: number; status: string }>(
      'select score, version, status from reviews where id = $1',
      [reviewId],
    );
    expect(rows[0]!.score).toBeCloseTo(550 / 6, 10);
    expect(rows[0]).toMatchObject({ version: 2, status: 'draft' });

    // The agent sees nothing of a draft.
    await t.settle();
    expect(dana.pushes.flatMap((p) => p.changes).filter((c) => c.entity === 'review')).toEqual([]);
    expect(await lee.op('review.submit', { reviewId })).toMatchObject({ status: 'applied' });
    await expect
      .poll(() =>
        dana.pushes
          .flatMap((p) => p.changes)
          .filter((c) => c.entity === 'review')
          .map((c) => c.data?.status),
      )
      .toEqual(['submitted']);
    const pulled = (await dana.pullAll()).filter((c) => c.entity === 'review');
    expect(pulled.at(-1)?.data).toMatchObject({ agentId: 'dana', reviewerId: 'lee', feedback: 'Good recovery' });
    // Another agent never sees it.
    const omar = await t.connect('omar');
    expect((await omar.pullAll()).filter((c) => c.entity === 'review')).toEqual([]);
  });

  it('refuses a second lead’s save made on an older version, naming the current one', async () => {
    const { conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const lou = await t.connect('lou');
    const reviewId = crypto.randomUUID();
    const base = { reviewId, conversationId, scorecardId, scorecardVersion: 1 };
    await save(lee, { ...base, ratings: { greeting: 'yes' } });
    // Lou saw version 1 and saves on it: applied, version 2.
    expect(await save(lou, { ...base, ratings: { greeting: 'no' } }, 1)).toMatchObject({ status: 'applied' });
    // Lee, offline meanwhile, saves on version 1 from another device: refused, nothing lost of Lou's.
    const leePhone = await t.connect('lee');
    expect(await save(leePhone, { ...base, ratings: { greeting: 'yes', empathy: 5 } }, 1)).toMatchObject({
      status: 'rejected',
      reason: 'version_conflict',
      detail: 'This review changed since you last saw it (now version 2).',
    });
    const { rows } = await t.db.query<{ ratings: unknown }>('select ratings from reviews where id = $1', [reviewId]);
    expect(rows[0]!.ratings).toEqual({ greeting: 'no' });
  });

  it('refuses agents, a lead’s own conversation, ratings that do not fit, and unpublished versions', async () => {
    const { dana, conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const base = { reviewId: crypto.randomUUID(), conversationId, scorecardId, scorecardVersion: 1 };
    expect(await save(dana, { ...base, ratings: { greeting: 'yes' } })).toMatchObject({
      status: 'rejected',
      reason: 'forbidden',
      detail: 'Only team leads and admins score conversations.',
    });
    expect(await save(lee, { ...base, ratings: { accuracy: 4 } })).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: '"Accurate" is rated 1 to 3.',
    });
    expect(await save(lee, { ...base, scorecardVersion: 2, ratings: {} })).toMatchObject({
      status: 'rejected',
      reason: 'not_found',
    });
    // A criterion for calls only, rated on a public X post: it does not apply (not applicable is fine).
    const calls = await publishScorecard(t, 'lee', {
      name: 'Calls',
      sections: [
        {
          id: 's',
          title: 'S',
          criteria: [
            { id: 'empathy', label: 'Empathy', weight: 1, scale: '1_5' },
            { id: 'script', label: 'Phone script', weight: 1, scale: '1_3', channels: ['voice'] },
            { id: 'public', label: 'Public tone', weight: 1, scale: 'yes_no', messageKinds: ['public'] },
          ],
        },
      ],
    });
    const onCalls = { ...base, scorecardId: calls.scorecardId };
    expect(await save(lee, { ...onCalls, ratings: { empathy: 3, script: 2 } })).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: '“Phone script” does not apply to this conversation; leave it unrated.',
    });
    expect(
      await save(lee, {
        ...onCalls,
        reviewId: crypto.randomUUID(),
        ratings: { empathy: 3, script: 'na', public: 'yes' },
      }),
    ).toMatchObject({
      status: 'applied',
    });
    // Submitting without the critical criterion: refused, named.
    const partial = { ...base, reviewId: crypto.randomUUID(), ratings: { greeting: 'yes' } };
    expect(await save(lee, partial)).toMatchObject({ status: 'applied' });
    expect(await lee.op('review.submit', { reviewId: partial.reviewId })).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: 'Rate “Accurate” before submitting (critical).',
    });
    await t.db.query('delete from reviews');
    await t.db.query("update conversations set assigned_agent_id = 'lee' where id = $1", [conversationId]);
    expect(await save(lee, { ...base, ratings: { greeting: 'yes' } })).toMatchObject({
      status: 'rejected',
      reason: 'forbidden',
      detail: 'You cannot score your own conversation.',
    });
    expect((await t.db.query('select 1 from reviews')).rows).toEqual([]);
  });

  it('keeps comments anchored to a message, a text range and a call’s time span, each once', async () => {
    const { conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const reviewId = crypto.randomUUID();
    await save(lee, { reviewId, conversationId, scorecardId, scorecardVersion: 1, ratings: { greeting: 'yes' } });
    const { rows: messages } = await t.db.query<{ id: string; body: string }>(
      'select id, body from messages where conversation_id = $1',
      [conversationId],
    );
    const post = messages[0]!;
    const comment = (anchor: Record<string, unknown>, body: string, commentId: string = crypto.randomUUID()) =>
      lee.op('review.comment', { reviewId, commentId, anchor, body });
    expect(await comment({ kind: 'message', messageId: post.id }, 'Answered within 4 minutes')).toMatchObject({
      status: 'applied',
    });
    const ranged = crypto.randomUUID();
    expect(
      await comment({ kind: 'text', messageId: post.id, start: 12, end: 15 }, 'Spot the keyword', ranged),
    ).toMatchObject({
      status: 'applied',
    });
    // Sent twice (a lost answer): kept once.
    expect(
      await comment({ kind: 'text', messageId: post.id, start: 12, end: 15 }, 'Spot the keyword', ranged),
    ).toMatchObject({
      status: 'applied',
    });
    expect(
      await comment({ kind: 'text', messageId: post.id, start: 0, end: post.body.length + 1 }, 'Too far'),
    ).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: `The text range ends past the message (${post.body.length} characters).`,
    });
    expect(await comment({ kind: 'time', startMs: 1000, endMs: 5000 }, 'Hold music')).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: 'A time span points into a call transcript; this conversation has none.',
    });
    expect(await comment({ kind: 'message', messageId: 'elsewhere' }, 'Wrong one')).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
    });
    // On a call with a transcript, a time span is fine.
    await t.db.query(
      `insert into messages (id, conversation_id, direction, visibility, speaker, body) values ('turn-1', $1, 'transcript', 'private', 'agent', 'Thank you for calling')`,
      [conversationId],
    );
    expect(await comment({ kind: 'time', startMs: 61_000, endMs: 75_500 }, 'Long silence here')).toMatchObject({
      status: 'applied',
    });
    const { rows } = await t.db.query<{ comments: { body: string; anchor: { kind: string } }[] }>(
      'select comments from reviews where id = $1',
      [reviewId],
    );
    expect(rows[0]!.comments.map((c) => [c.anchor.kind, c.body])).toEqual([
      ['message', 'Answered within 4 minutes'],
      ['text', 'Spot the keyword'],
      ['time', 'Long silence here'],
    ]);
  });

  it('lets the agent dispute a criterion of a submitted review and the lead decide, keeping every step', async () => {
    const { dana, conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const omar = await t.connect('omar');
    const reviewId = crypto.randomUUID();
    await save(lee, {
      reviewId,
      conversationId,
      scorecardId,
      scorecardVersion: 1,
      ratings: { greeting: 'no', empathy: 4, accuracy: 3 },
    });
    const disputeId = crypto.randomUUID();
    const open = () =>
      dana.op('dispute.open', {
        disputeId,
        reviewId,
        criterionId: 'greeting',
        comment: 'I greeted her in my first reply.',
      });
    // Not before it is submitted, and never by another agent.
    expect(await open()).toMatchObject({ status: 'rejected', reason: 'not_found' });
    await lee.op('review.submit', { reviewId });
    expect(
      await omar.op('dispute.open', {
        disputeId: crypto.randomUUID(),
        reviewId,
        criterionId: 'greeting',
        comment: 'Mine?',
      }),
    ).toMatchObject({ status: 'rejected', reason: 'not_found' });
    expect(await open()).toMatchObject({ status: 'applied' });
    expect(
      await dana.op('dispute.open', {
        disputeId: crypto.randomUUID(),
        reviewId,
        criterionId: 'greeting',
        comment: 'Again',
      }),
    ).toMatchObject({ status: 'rejected', reason: 'stale' });
    // Agents do not decide; an accepted dispute needs the new rating.
    expect(
      await dana.op('dispute.decide', { disputeId, decision: 'accepted', comment: 'Yes', rating: 'yes' }),
    ).toMatchObject({
      status: 'rejected',
      reason: 'forbidden',
    });
    expect(
      await lee.op('dispute.decide', { disputeId, decision: 'accepted', comment: 'Right, you did.', rating: 'yes' }),
    ).toMatchObject({
      status: 'applied',
    });
    const { rows } = await t.db.query<{ score: number; ratings: Record<string, unknown> }>(
      'select score, ratings from reviews where id = $1',
      [reviewId],
    );
    // (100 + 75·2 + 100·3) / 6 after the greeting became yes.
    expect(rows[0]!.score).toBeCloseTo(550 / 6, 10);
    expect(rows[0]!.ratings.greeting).toBe('yes');
    const steps = (await dana.pullAll()).filter((c) => c.entity === 'dispute').at(-1)?.data as {
      status: string;
      steps: { kind: string; by: string; from?: string; to?: string }[];
    };
    expect(steps.status).toBe('accepted');
    expect(steps.steps.map((s) => [s.kind, s.by, s.from ?? null, s.to ?? null])).toEqual([
      ['opened', 'dana', null, null],
      ['accepted', 'lee', 'no', 'yes'],
    ]);
    expect(
      await lee.op('dispute.decide', { disputeId, decision: 'rejected', comment: 'Changed my mind' }),
    ).toMatchObject({
      status: 'rejected',
      reason: 'stale',
    });
    expect((await omar.pullAll()).filter((c) => c.entity === 'dispute' || c.entity === 'review')).toEqual([]);
  });

  it('refuses to partly accept a yes/no criterion, or partly accept without changing the rating', async () => {
    const { dana, conversationId, scorecardId } = await setUp();
    const lee = await t.connect('lee');
    const reviewId = crypto.randomUUID();
    await save(lee, {
      reviewId,
      conversationId,
      scorecardId,
      scorecardVersion: 1,
      ratings: { greeting: 'no', empathy: 4, accuracy: 1 },
    });
    await lee.op('review.submit', { reviewId });
    const dispute = async (criterionId: string) => {
      const disputeId = crypto.randomUUID();
      expect(
        await dana.op('dispute.open', { disputeId, reviewId, criterionId, comment: 'I did better than that.' }),
      ).toMatchObject({ status: 'applied' });
      return disputeId;
    };
    const greeting = await dispute('greeting');
    const accuracy = await dispute('accuracy');
    const partly = (disputeId: string, rating: string | number) =>
      lee.op('dispute.decide', { disputeId, decision: 'partly_accepted', comment: 'In part.', rating });

    expect(await partly(greeting, 'yes')).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: '“Greets” is rated yes or no: accept the dispute or reject it; it cannot be partly accepted.',
    });
    expect(await partly(accuracy, 1)).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail:
        'A partly accepted dispute changes the rating: “Accurate” is already 1 of 3; choose another rating, or reject the dispute.',
    });
    // Nothing changed: both still open, the review as submitted.
    const open = await t.db.query<{ status: string }>('select status from disputes where review_id = $1', [reviewId]);
    expect(open.rows.map((r) => r.status)).toEqual(['open', 'open']);
    const before = await t.db.query<{ ratings: unknown }>('select ratings from reviews where id = $1', [reviewId]);
    expect(before.rows[0]!.ratings).toEqual({ greeting: 'no', empathy: 4, accuracy: 1 });

    // Partly accepting with another point of the scale, and accepting the yes/no, are applied.
    expect(await partly(accuracy, 2)).toMatchObject({ status: 'applied' });
    expect(
      await lee.op('dispute.decide', { disputeId: greeting, decision: 'accepted', comment: 'Yes.', rating: 'yes' }),
    ).toMatchObject({ status: 'applied' });
    const { rows } = await t.db.query<{ ratings: unknown }>('select ratings from reviews where id = $1', [reviewId]);
    expect(rows[0]!.ratings).toEqual({ greeting: 'yes', empathy: 4, accuracy: 2 });
    const { rows: steps } = await t.db.query<{
      status: string;
      steps: { kind: string; from?: unknown; to?: unknown }[];
    }>('select status, steps from disputes where id = $1', [accuracy]);
    expect(steps[0]!.status).toBe('partly_accepted');
    expect(steps[0]!.steps.at(-1)).toMatchObject({ kind: 'partly_accepted', from: 1, to: 2 });
  });
});
