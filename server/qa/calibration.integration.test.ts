import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/protocol';
import { DB_KINDS } from '../testing/testDatabase';
import { publishScorecard } from './qaTestKit';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/**
 * A calibration of three leads: each scores blind (no lead sees another's review before
 * submitting their own), then everyone sees the spread, and the reference is agreed.
 */
describe.each(DB_KINDS)('QA calibration on %s', { timeout: 40_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const reviewsSeenBy = async (client: TestClient) => {
    const seen = new Map<string, Change['data']>();
    for (const c of await client.pullAll()) if (c.entity === 'review') seen.set(c.id, c.data);
    return [...seen.values()].map((r) => r as { reviewerId: string; ratings: Record<string, unknown> });
  };

  it('keeps each lead blind until they submit, then shows the spread, and agrees a reference', async () => {
    t = await startTestServer(kind);
    for (const id of ['ana', 'ben', 'cy']) await t.addAgent({ id, role: 'lead', team: 't1' });
    await t.addAgent({ id: 'dana', team: 't1' });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({ channel: 'x_public', text: '@skywardair where is my refund' });
    const conversationId = body.conversationId as string;
    const card = await publishScorecard(t, 'ana', {
      name: 'Social',
      sections: [
        {
          id: 's',
          title: 'S',
          criteria: [
            { id: 'tone', label: 'Tone', weight: 1, scale: '1_5' },
            { id: 'accuracy', label: 'Accuracy', weight: 1, scale: 'yes_no' },
          ],
        },
      ],
    });

    const [ana, ben, cy] = await Promise.all(['ana', 'ben', 'cy'].map((id) => t.connect(id)));
    const calibrationId = crypto.randomUUID();
    const common = { conversationId, scorecardId: card.scorecardId, scorecardVersion: 1 };
    expect(
      await ana!.op('calibration.start', { calibrationId, ...common, participantIds: ['ana', 'ben', 'cy'] }),
    ).toMatchObject({ status: 'applied' });
    expect(
      await dana.op('calibration.start', {
        calibrationId: crypto.randomUUID(),
        ...common,
        participantIds: ['ana', 'ben'],
      }),
    ).toMatchObject({ status: 'rejected', reason: 'forbidden' });
    // A lead who handled the conversation could never score it: refused, named.
    const { body: own } = await t.ingest({ channel: 'x_public', text: '@skywardair thanks for nothing' });
    await t.db.query("update conversations set assigned_agent_id = 'cy' where id = $1", [own.conversationId]);
    expect(
      await ana!.op('calibration.start', {
        ...common,
        calibrationId: crypto.randomUUID(),
        conversationId: own.conversationId,
        participantIds: ['ana', 'cy'],
      }),
    ).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: 'cy handled this conversation and cannot score it; leave them out.',
    });

    const score = (client: TestClient, tone: number, accuracy: 'yes' | 'no') => {
      const reviewId = crypto.randomUUID();
      return client
        .op('review.save', { reviewId, calibrationId, ...common, ratings: { tone, accuracy } })
        .then(async (saved) => {
          expect(saved).toMatchObject({ status: 'applied' });
          return reviewId;
        });
    };
    const anaReview = await score(ana!, 5, 'yes');
    const benReview = await score(ben!, 3, 'yes');
    // Nobody sees another's draft; the agent reviewed sees none of it.
    expect((await reviewsSeenBy(ben!)).map((r) => r.reviewerId)).toEqual(['ben']);
    expect(await reviewsSeenBy(dana)).toEqual([]);

    // Ana submits: she now sees the submitted ones (hers); Ben, not yet submitted, still only his.
    await ana!.op('review.submit', { reviewId: anaReview });
    expect((await reviewsSeenBy(ben!)).map((r) => r.reviewerId)).toEqual(['ben']);
    await ben!.op('review.submit', { reviewId: benReview });
    expect((await reviewsSeenBy(ben!)).map((r) => r.reviewerId).sort()).toEqual(['ana', 'ben']);
    // Cy has not scored: blind to both, and the reference cannot be agreed yet.
    expect(await reviewsSeenBy(cy!)).toEqual([]);
    expect(await ana!.op('calibration.agree', { calibrationId, ratings: { tone: 4, accuracy: 'yes' } })).toMatchObject({
      status: 'rejected',
      reason: 'invalid_op',
      detail: 'Agree the reference once everyone submitted; still scoring: cy.',
    });
    const cyReview = await score(cy!, 2, 'no');
    await cy!.op('review.submit', { reviewId: cyReview });

    // Everyone sees all three: the spread per criterion.
    const all = await reviewsSeenBy(cy!);
    expect(all.map((r) => r.ratings.tone).sort()).toEqual([2, 3, 5]);
    expect(all.map((r) => r.ratings.accuracy).sort()).toEqual(['no', 'yes', 'yes']);
    expect((await reviewsSeenBy(ana!)).length).toBe(3);

    expect(await ana!.op('calibration.agree', { calibrationId, ratings: { tone: 4, accuracy: 'yes' } })).toMatchObject({
      status: 'applied',
    });
    const calibration = (await ben!.pullAll()).filter((c) => c.entity === 'calibration').at(-1)?.data;
    // (75 + 100) / 2
    expect(calibration).toMatchObject({
      status: 'agreed',
      reference: { tone: 4, accuracy: 'yes' },
      referenceScore: 87.5,
    });
  });
});
