import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Change, OpResult, RejectReason } from '../../shared/protocol';
import type { ScorecardDraftInput } from '../../shared/qa/scorecard';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';
import { addHandledConversation, callApi, publishScorecard } from './qaTestKit';

/**
 * Issue 8's authorisation promises, over the socket and HTTP: an agent cannot score, never gets
 * another agent's reviews nor their own draft, never a calibration's scores; a lead gets only the
 * reviews of the team they lead and those they wrote, and stays blind in a calibration until they
 * submitted. Each refusal is checked with its exact answer and that it wrote nothing; each "does
 * not get" by id (or words) in everything the viewer pulled and was pushed. One server per
 * database kind: the world is built once, in order, and the tests read it.
 */

const CARD: ScorecardDraftInput = {
  name: 'Social care',
  sections: [
    {
      id: 'social',
      title: 'Social',
      criteria: [
        { id: 'greeting', label: 'Greets the customer', weight: 1, scale: 'yes_no' },
        { id: 'empathy', label: 'Empathy', weight: 1, scale: '1_5' },
      ],
    },
  ],
};

const PEOPLE = [
  { id: 'dana', role: 'agent', team: 't1' },
  { id: 'omar', role: 'agent', team: 't1' },
  { id: 'fay', role: 'agent', team: 't2' },
  { id: 'lee', role: 'lead', team: 't1' },
  { id: 'lou', role: 'lead', team: 't1' },
  /** Leads team t1 but takes no part in the calibration. */
  { id: 'kim', role: 'lead', team: 't1' },
  /** Leads team t2; takes part in the calibration of a t1 conversation and never submits. */
  { id: 'tia', role: 'lead', team: 't2' },
] as const;
type Person = (typeof PEOPLE)[number]['id'];

/** Who handled each conversation; `calibrated` is dana's, scored blind by lee, lou and tia. */
const HANDLED: [conversationId: string, agentId: Person][] = [
  ['conv-dana', 'dana'],
  ['conv-omar', 'omar'],
  ['conv-fay', 'fay'],
  ['conv-lee', 'lee'],
  ['conv-calibrated', 'dana'],
];

/** The world's rows (client-made UUIDs, as the app makes them). */
const ids = {
  /** lee → dana, 75; submitted in the second phase, then disputed by dana. */
  danaReview: crypto.randomUUID(),
  /** lou → dana; stays a draft. */
  danaDraft: crypto.randomUUID(),
  /** lee → omar; stays a draft. */
  omarDraft: crypto.randomUUID(),
  /** lou → omar, 0; submitted in the second phase. */
  omarReview: crypto.randomUUID(),
  /** tia → fay, 100; submitted in the second phase. */
  fayReview: crypto.randomUUID(),
  calibration: crypto.randomUUID(),
  /** Submitted in the first phase. */
  louBlind: crypto.randomUUID(),
  /** Saved in the first phase, submitted in the second. */
  leeBlind: crypto.randomUUID(),
  /** Never submitted. */
  tiaBlind: crypto.randomUUID(),
  /** dana disputes the greeting of danaReview. */
  dispute: crypto.randomUUID(),
};
type Row = keyof typeof ids;

/** `drafts`: everything saved, lou's calibration review submitted; `submitted`: the rest submitted, dana disputed. */
type Phase = 'drafts' | 'submitted';

/** What a viewer holds: every change pulled from the start, and every change pushed since they connected. */
interface Held {
  pulled: Change[];
  pushed: Change[];
}

const mentioning = (changes: readonly Change[], idOrWords: string) =>
  changes.filter((c) => c.id === idOrWords || JSON.stringify(c.data).includes(idOrWords));
const statusesOf = (changes: readonly Change[], id: string) =>
  [...new Set(changes.filter((c) => c.id === id).map((c) => String(c.data?.status)))].sort();

interface Visibility {
  viewer: Person;
  phase: Phase;
  row: Row;
  /** The statuses the viewer got the row in, sorted; [] means nothing mentions it at all. */
  holds: string[];
  rule: string;
}

const OWN_DRAFT = 'an agent does not get their own review while it is a draft';
const OTHER_AGENT = 'an agent never gets another agent’s reviews or disputes';
const NO_CALIBRATION_FOR_AGENTS = 'an agent never gets a calibration nor its reviews, even of their own conversation';
const OTHER_TEAM = 'a lead gets nothing of a team they do not lead';
const BLIND = 'a participant who has not submitted gets none of the others’ calibration reviews';
const OUTSIDER = 'a lead outside a calibration never gets its reviews, even of their own team’s agent';
const CONTROL = 'control: what the viewer is meant to get';

const VISIBILITY: Visibility[] = [
  { viewer: 'dana', phase: 'drafts', row: 'danaReview', holds: [], rule: OWN_DRAFT },
  { viewer: 'dana', phase: 'drafts', row: 'danaDraft', holds: [], rule: OWN_DRAFT },
  { viewer: 'dana', phase: 'drafts', row: 'omarDraft', holds: [], rule: OTHER_AGENT },
  { viewer: 'fay', phase: 'drafts', row: 'fayReview', holds: [], rule: OWN_DRAFT },
  { viewer: 'dana', phase: 'drafts', row: 'calibration', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'dana', phase: 'drafts', row: 'louBlind', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'kim', phase: 'drafts', row: 'danaReview', holds: ['draft'], rule: CONTROL },
  { viewer: 'kim', phase: 'drafts', row: 'omarDraft', holds: ['draft'], rule: CONTROL },
  { viewer: 'tia', phase: 'drafts', row: 'danaReview', holds: [], rule: OTHER_TEAM },
  { viewer: 'tia', phase: 'drafts', row: 'omarDraft', holds: [], rule: OTHER_TEAM },
  { viewer: 'tia', phase: 'drafts', row: 'fayReview', holds: ['draft'], rule: CONTROL },
  { viewer: 'lee', phase: 'drafts', row: 'louBlind', holds: [], rule: BLIND },
  { viewer: 'tia', phase: 'drafts', row: 'louBlind', holds: [], rule: BLIND },
  { viewer: 'lou', phase: 'drafts', row: 'leeBlind', holds: [], rule: 'a participant never gets another’s draft' },
  { viewer: 'lou', phase: 'drafts', row: 'tiaBlind', holds: [], rule: 'a participant never gets another’s draft' },
  { viewer: 'lee', phase: 'drafts', row: 'leeBlind', holds: ['draft'], rule: CONTROL },
  { viewer: 'lou', phase: 'drafts', row: 'louBlind', holds: ['draft', 'submitted'], rule: CONTROL },
  { viewer: 'kim', phase: 'drafts', row: 'louBlind', holds: [], rule: OUTSIDER },
  { viewer: 'kim', phase: 'drafts', row: 'calibration', holds: [], rule: OUTSIDER },
  { viewer: 'tia', phase: 'drafts', row: 'calibration', holds: ['open'], rule: CONTROL },

  {
    viewer: 'dana',
    phase: 'submitted',
    row: 'danaReview',
    holds: ['submitted'],
    rule: 'an agent gets their own review once submitted, and never got its draft',
  },
  { viewer: 'dana', phase: 'submitted', row: 'danaDraft', holds: [], rule: OWN_DRAFT },
  { viewer: 'dana', phase: 'submitted', row: 'omarReview', holds: [], rule: OTHER_AGENT },
  { viewer: 'dana', phase: 'submitted', row: 'omarDraft', holds: [], rule: OTHER_AGENT },
  { viewer: 'dana', phase: 'submitted', row: 'dispute', holds: ['open'], rule: CONTROL },
  { viewer: 'omar', phase: 'submitted', row: 'danaReview', holds: [], rule: OTHER_AGENT },
  { viewer: 'omar', phase: 'submitted', row: 'danaDraft', holds: [], rule: OTHER_AGENT },
  { viewer: 'omar', phase: 'submitted', row: 'dispute', holds: [], rule: OTHER_AGENT },
  { viewer: 'omar', phase: 'submitted', row: 'omarReview', holds: ['submitted'], rule: CONTROL },
  { viewer: 'fay', phase: 'submitted', row: 'danaReview', holds: [], rule: OTHER_AGENT },
  { viewer: 'fay', phase: 'submitted', row: 'fayReview', holds: ['submitted'], rule: CONTROL },
  { viewer: 'dana', phase: 'submitted', row: 'calibration', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'dana', phase: 'submitted', row: 'louBlind', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'dana', phase: 'submitted', row: 'leeBlind', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'dana', phase: 'submitted', row: 'tiaBlind', holds: [], rule: NO_CALIBRATION_FOR_AGENTS },
  { viewer: 'kim', phase: 'submitted', row: 'danaReview', holds: ['draft', 'submitted'], rule: CONTROL },
  { viewer: 'kim', phase: 'submitted', row: 'dispute', holds: ['open'], rule: CONTROL },
  { viewer: 'tia', phase: 'submitted', row: 'danaReview', holds: [], rule: OTHER_TEAM },
  { viewer: 'tia', phase: 'submitted', row: 'omarReview', holds: [], rule: OTHER_TEAM },
  { viewer: 'tia', phase: 'submitted', row: 'dispute', holds: [], rule: OTHER_TEAM },
  {
    viewer: 'lee',
    phase: 'submitted',
    row: 'louBlind',
    holds: ['submitted'],
    rule: 'a participant gets the others’ submitted reviews once they submitted their own',
  },
  {
    viewer: 'lou',
    phase: 'submitted',
    row: 'leeBlind',
    holds: ['submitted'],
    rule: 'a participant who submitted gets each later one as it is submitted',
  },
  { viewer: 'lee', phase: 'submitted', row: 'tiaBlind', holds: [], rule: 'a participant never gets another’s draft' },
  { viewer: 'tia', phase: 'submitted', row: 'louBlind', holds: [], rule: BLIND },
  { viewer: 'tia', phase: 'submitted', row: 'leeBlind', holds: [], rule: BLIND },
  { viewer: 'kim', phase: 'submitted', row: 'louBlind', holds: [], rule: OUTSIDER },
  { viewer: 'kim', phase: 'submitted', row: 'leeBlind', holds: [], rule: OUTSIDER },
];

const SCORERS_ONLY = 'Only team leads and admins score conversations.';
const ANOTHER_TEAMS = 'This review belongs to another team’s lead.';
const NO_SUCH_REVIEW = 'You have no submitted review with this id.';

interface Refusal {
  rule: string;
  by: Person;
  type: string;
  payload: (scorecardId: string) => Record<string, unknown>;
  baseVersion?: number;
  reason: RejectReason;
  detail: string;
  /** Ids or words that may not appear in anything the refused viewer holds afterwards. */
  never: string[];
}

/** A review.save payload on a world conversation with the published card. */
const saving = (reviewId: string, conversationId: string) => (scorecardId: string) => ({
  reviewId,
  conversationId,
  scorecardId,
  scorecardVersion: 1,
  ratings: { greeting: 'no', empathy: 1 },
});
const commenting = (reviewId: string, conversationId: string, commentId: string, body: string) => () => ({
  reviewId,
  commentId,
  anchor: { kind: 'message', messageId: `message-of-${conversationId}` },
  body,
});

const fresh = {
  review: crypto.randomUUID(),
  ownConversationReview: crypto.randomUUID(),
  calibration: crypto.randomUUID(),
  comment: crypto.randomUUID(),
  otherTeamComment: crypto.randomUUID(),
  disputeOfOther: crypto.randomUUID(),
  disputeOfDraft: crypto.randomUUID(),
  disputeOfCalibration: crypto.randomUUID(),
  outsiderComment: crypto.randomUUID(),
};

const REFUSALS: Refusal[] = [
  {
    rule: 'an agent cannot save a review',
    by: 'dana',
    type: 'review.save',
    payload: saving(fresh.review, 'conv-omar'),
    reason: 'forbidden',
    detail: SCORERS_ONLY,
    never: [fresh.review],
  },
  {
    rule: 'an agent cannot save over another agent’s draft, even naming its version',
    by: 'dana',
    type: 'review.save',
    payload: saving(ids.omarDraft, 'conv-omar'),
    baseVersion: 1,
    reason: 'forbidden',
    detail: SCORERS_ONLY,
    never: [ids.omarDraft],
  },
  {
    rule: 'an agent cannot submit a draft of their own review',
    by: 'dana',
    type: 'review.submit',
    payload: () => ({ reviewId: ids.danaDraft }),
    reason: 'forbidden',
    detail: SCORERS_ONLY,
    never: [ids.danaDraft],
  },
  {
    rule: 'an agent cannot submit another agent’s draft',
    by: 'dana',
    type: 'review.submit',
    payload: () => ({ reviewId: ids.omarDraft }),
    reason: 'forbidden',
    detail: SCORERS_ONLY,
    never: [ids.omarDraft],
  },
  {
    rule: 'an agent cannot comment on a review, not even their own submitted one',
    by: 'dana',
    type: 'review.comment',
    payload: commenting(ids.danaReview, 'conv-dana', fresh.comment, 'I did greet her, look again'),
    reason: 'forbidden',
    detail: SCORERS_ONLY,
    never: [fresh.comment, 'I did greet her, look again'],
  },
  {
    rule: 'an agent cannot start a calibration',
    by: 'dana',
    type: 'calibration.start',
    payload: (scorecardId) => ({
      calibrationId: fresh.calibration,
      conversationId: 'conv-calibrated',
      scorecardId,
      scorecardVersion: 1,
      participantIds: ['lee', 'lou'],
    }),
    reason: 'forbidden',
    detail: 'Only team leads and admins run calibrations.',
    never: [fresh.calibration],
  },
  {
    rule: 'an agent cannot agree a calibration’s reference, and learns nothing of it',
    by: 'dana',
    type: 'calibration.agree',
    payload: () => ({ calibrationId: ids.calibration, ratings: { greeting: 'yes', empathy: 3 } }),
    reason: 'not_found',
    detail: 'You started no calibration with this id.',
    never: [ids.calibration, ids.louBlind, ids.leeBlind, ids.tiaBlind],
  },
  {
    rule: 'an agent cannot decide a dispute, not even their own',
    by: 'dana',
    type: 'dispute.decide',
    payload: () => ({ disputeId: ids.dispute, decision: 'accepted', comment: 'Accepted by myself', rating: 'yes' }),
    reason: 'forbidden',
    detail: 'Only team leads and admins decide disputes.',
    never: ['Accepted by myself'],
  },
  {
    rule: 'an agent cannot dispute another agent’s review, and learns nothing of it',
    by: 'omar',
    type: 'dispute.open',
    payload: () => ({
      disputeId: fresh.disputeOfOther,
      reviewId: ids.danaReview,
      criterionId: 'greeting',
      comment: 'Not mine',
    }),
    reason: 'not_found',
    detail: NO_SUCH_REVIEW,
    never: [fresh.disputeOfOther, ids.danaReview],
  },
  {
    rule: 'an agent cannot dispute their own review while it is a draft, and learns nothing of it',
    by: 'dana',
    type: 'dispute.open',
    payload: () => ({
      disputeId: fresh.disputeOfDraft,
      reviewId: ids.danaDraft,
      criterionId: 'empathy',
      comment: 'Too early',
    }),
    reason: 'not_found',
    detail: NO_SUCH_REVIEW,
    never: [fresh.disputeOfDraft, ids.danaDraft],
  },
  {
    rule: 'a lead of another team cannot save over a draft of a team they do not lead, even naming its version',
    by: 'tia',
    type: 'review.save',
    payload: saving(ids.omarDraft, 'conv-omar'),
    baseVersion: 1,
    reason: 'forbidden',
    detail: ANOTHER_TEAMS,
    never: [ids.omarDraft],
  },
  {
    rule: 'a lead of another team cannot submit a draft of a team they do not lead',
    by: 'tia',
    type: 'review.submit',
    payload: () => ({ reviewId: ids.omarDraft }),
    reason: 'forbidden',
    detail: ANOTHER_TEAMS,
    never: [ids.omarDraft],
  },
  {
    rule: 'a lead of another team cannot comment on a review of a team they do not lead',
    by: 'tia',
    type: 'review.comment',
    payload: commenting(ids.danaReview, 'conv-dana', fresh.otherTeamComment, 'Seen from team two'),
    reason: 'forbidden',
    detail: ANOTHER_TEAMS,
    never: [ids.danaReview, fresh.otherTeamComment, 'Seen from team two'],
  },
  {
    rule: 'a lead of another team cannot decide a dispute of a team they do not lead',
    by: 'tia',
    type: 'dispute.decide',
    payload: () => ({ disputeId: ids.dispute, decision: 'rejected', comment: 'Rejected from team two' }),
    reason: 'forbidden',
    detail: 'This dispute is for another team’s lead.',
    never: [ids.dispute, ids.danaReview, 'Rejected from team two'],
  },
  {
    rule: 'a lead cannot score their own conversation',
    by: 'lee',
    type: 'review.save',
    payload: saving(fresh.ownConversationReview, 'conv-lee'),
    reason: 'forbidden',
    detail: 'You cannot score your own conversation.',
    never: [fresh.ownConversationReview],
  },
];

/**
 * Blind calibration reviews (gaps this suite found, now closed): the agent reviewed cannot dispute
 * one, and a lead outside the calibration cannot change, comment on or submit a participant's; the
 * review does not exist for them (not_found), so they learn nothing of it.
 */
const CALIBRATION_REFUSALS: Refusal[] = [
  {
    rule: 'an agent cannot dispute a calibration review of their own conversation',
    by: 'dana',
    type: 'dispute.open',
    payload: () => ({
      disputeId: fresh.disputeOfCalibration,
      reviewId: ids.leeBlind,
      criterionId: 'greeting',
      comment: 'Calibrated on me',
    }),
    reason: 'not_found',
    detail: 'You have no submitted review with this id.',
    never: [fresh.disputeOfCalibration, ids.leeBlind],
  },
  {
    rule: 'a lead outside a calibration cannot overwrite a participant’s blind draft',
    by: 'kim',
    type: 'review.save',
    payload: saving(ids.tiaBlind, 'conv-calibrated'),
    baseVersion: 1,
    reason: 'not_found',
    detail: 'This review does not exist.',
    never: [ids.tiaBlind],
  },
  {
    rule: 'a lead outside a calibration cannot comment on a participant’s blind review',
    by: 'kim',
    type: 'review.comment',
    payload: commenting(ids.tiaBlind, 'conv-calibrated', fresh.outsiderComment, 'Outsider note'),
    reason: 'not_found',
    detail: 'This review does not exist.',
    never: [ids.tiaBlind],
  },
  {
    rule: 'a lead outside a calibration cannot submit a participant’s blind review',
    by: 'kim',
    type: 'review.submit',
    payload: () => ({ reviewId: ids.tiaBlind }),
    reason: 'not_found',
    detail: 'This review does not exist.',
    never: [ids.tiaBlind],
  },
];

const LEAD_ONLY_FORBIDDEN = { error: { code: 'forbidden', message: 'This needs a team lead or admin account.' } };
const SIGN_IN_FIRST = { error: { code: 'unauthorized', message: 'Sign in first.' } };

interface Route {
  route: string;
  request: (w: { scorecardId: string }) => [method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown];
}

const LEAD_ROUTES: Route[] = [
  { route: 'GET /api/scorecards', request: () => ['GET', '/api/scorecards'] },
  { route: 'POST /api/scorecards', request: () => ['POST', '/api/scorecards', { ...CARD, name: 'By an agent' }] },
  {
    route: 'PUT /api/scorecards/:id/draft',
    request: ({ scorecardId }) => [
      'PUT',
      `/api/scorecards/${scorecardId}/draft`,
      { ...CARD, name: 'Edited by an agent' },
    ],
  },
  {
    route: 'POST /api/scorecards/:id/publish',
    request: ({ scorecardId }) => ['POST', `/api/scorecards/${scorecardId}/publish`],
  },
  { route: 'GET /api/qa/sampling-rules', request: () => ['GET', '/api/qa/sampling-rules'] },
  {
    route: 'POST /api/qa/sampling-rules',
    request: ({ scorecardId }) => [
      'POST',
      '/api/qa/sampling-rules',
      { name: 'Picked by an agent', scorecardId, leadIds: ['lee'], rule: { kind: 'random_share', share: 0.5 } },
    ],
  },
  { route: 'POST /api/qa/sampling/run', request: () => ['POST', '/api/qa/sampling/run'] },
  {
    route: 'GET /api/qa/conversations/:id/auto-checks',
    request: ({ scorecardId }) => [
      'GET',
      `/api/qa/conversations/conv-dana/auto-checks?scorecardId=${scorecardId}&version=1`,
    ],
  },
];

interface QualityRowView {
  group: string | null;
  score: number;
  reviews: number;
}

describe.each(DB_KINDS)('QA authorisation on %s', { timeout: 60_000 }, (kind) => {
  let t: TestServer;
  let scorecardId: string;
  const clients = {} as Record<Person, TestClient>;
  const tokens = {} as Record<'dana' | 'lee' | 'tia', string>;
  const held = {} as Record<Phase, Record<Person, Held>>;
  let window: string;

  const pushed = (viewer: Person) => clients[viewer].pushes.flatMap((p) => p.changes);

  /** Publishes a scorecard, pushed to everyone, and waits until every socket got it: all pushed before it has arrived. */
  let barriers = 0;
  async function everythingPushed() {
    const { id } = await publishScorecard(t, 'kim', { ...CARD, name: `Barrier ${++barriers}` });
    await vi.waitFor(() => {
      const waiting = PEOPLE.filter((p) => !pushed(p.id).some((c) => c.entity === 'scorecard' && c.id === id));
      if (waiting.length) throw new Error(`not yet pushed to ${waiting.map((p) => p.id).join(', ')}`);
    });
  }

  async function holdings(): Promise<Record<Person, Held>> {
    await everythingPushed();
    const entries = await Promise.all(
      PEOPLE.map(async (p) => [p.id, { pulled: await clients[p.id].pullAll(), pushed: pushed(p.id) }] as const),
    );
    return Object.fromEntries(entries) as Record<Person, Held>;
  }

  /** Everything of QA an op could change, and how many QA changes the log holds. */
  const qaFootprint = async () => ({
    reviews: (
      await t.db.query(
        'select id, reviewer_id, status, version, ratings, comments, score, calibration_id from reviews order by id',
      )
    ).rows,
    disputes: (await t.db.query('select id, status, steps from disputes order by id')).rows,
    calibrations: (await t.db.query('select id, status, participants, reference from calibrations order by id')).rows,
    changes: (
      await t.db.query("select count(*)::int as n from changes where entity in ('review', 'dispute', 'calibration')")
    ).rows,
  });

  /** Everything the lead-only HTTP routes could change. */
  const routesFootprint = async () => ({
    versions: (
      await t.db.query(
        'select scorecard_id, version, definition, published_at from scorecard_versions order by scorecard_id, version',
      )
    ).rows,
    rules: (await t.db.query('select id from sampling_rules')).rows,
    assignments: (await t.db.query('select id from review_assignments')).rows,
  });

  const applied = async (result: Promise<OpResult>) => expect(await result).toMatchObject({ status: 'applied' });
  const save = (by: Person, row: Row, conversationId: string, ratings: Record<string, unknown>, calibrated = false) =>
    applied(
      clients[by].op('review.save', {
        reviewId: ids[row],
        conversationId,
        scorecardId,
        scorecardVersion: 1,
        ratings,
        ...(calibrated ? { calibrationId: ids.calibration } : {}),
      }),
    );
  const submit = (by: Person, row: Row) => applied(clients[by].op('review.submit', { reviewId: ids[row] }));

  beforeAll(async () => {
    t = await startTestServer(kind);
    for (const person of PEOPLE) await t.addAgent(person);
    for (const [conversationId, agentId] of HANDLED) await addHandledConversation(t, conversationId, agentId);
    scorecardId = (await publishScorecard(t, 'lee', CARD)).scorecardId;
    // Everyone is connected before the first review, so every push is recorded.
    for (const person of PEOPLE) clients[person.id] = await t.connect(person.id);
    for (const id of ['dana', 'lee', 'tia'] as const) tokens[id] = await t.signIn(id);
    const day = 24 * 3600_000;
    window = `from=${new Date(t.clock.now() - day).toISOString()}&to=${new Date(t.clock.now() + day).toISOString()}`;

    await save('lee', 'danaReview', 'conv-dana', { greeting: 'yes', empathy: 3 });
    await save('lou', 'danaDraft', 'conv-dana', { empathy: 2 });
    await save('lee', 'omarDraft', 'conv-omar', { greeting: 'yes' });
    await save('lou', 'omarReview', 'conv-omar', { greeting: 'no', empathy: 1 });
    await save('tia', 'fayReview', 'conv-fay', { greeting: 'yes', empathy: 5 });
    await applied(
      clients.lee.op('calibration.start', {
        calibrationId: ids.calibration,
        conversationId: 'conv-calibrated',
        scorecardId,
        scorecardVersion: 1,
        participantIds: ['lee', 'lou', 'tia'],
      }),
    );
    await save('lou', 'louBlind', 'conv-calibrated', { greeting: 'no', empathy: 2 }, true);
    await submit('lou', 'louBlind');
    await save('lee', 'leeBlind', 'conv-calibrated', { greeting: 'yes', empathy: 5 }, true);
    await save('tia', 'tiaBlind', 'conv-calibrated', { greeting: 'yes', empathy: 4 }, true);
    held.drafts = await holdings();

    await submit('lee', 'danaReview');
    await submit('lou', 'omarReview');
    await submit('tia', 'fayReview');
    await applied(
      clients.dana.op('dispute.open', {
        disputeId: ids.dispute,
        reviewId: ids.danaReview,
        criterionId: 'greeting',
        comment: 'I greeted her in my first reply.',
      }),
    );
    await submit('lee', 'leeBlind');
    held.submitted = await holdings();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('the change feed: pulled and pushed', () => {
    it.each(VISIBILITY)('$viewer ($phase) holds $row as $holds: $rule', ({ viewer, phase, row, holds }) => {
      const { pulled, pushed } = held[phase][viewer];
      if (holds.length) {
        expect(statusesOf(pulled, ids[row])).toEqual(holds);
        expect(statusesOf(pushed, ids[row])).toEqual(holds);
      } else {
        expect(mentioning(pulled, ids[row])).toEqual([]);
        expect(mentioning(pushed, ids[row])).toEqual([]);
      }
    });
  });

  describe('ops refused', () => {
    it.each([...REFUSALS, ...CALIBRATION_REFUSALS])(
      '$rule ($type: $reason)',
      async ({ by, type, payload, baseVersion, reason, detail, never }) => {
        const before = await qaFootprint();
        const result = await clients[by].op(
          type,
          payload(scorecardId),
          baseVersion === undefined ? {} : { baseVersion },
        );
        expect(result).toMatchObject({ status: 'rejected', reason, detail });
        expect(await qaFootprint()).toEqual(before);
        const everything = [...(await clients[by].pullAll()), ...pushed(by)];
        for (const idOrWords of never) expect(mentioning(everything, idOrWords), idOrWords).toEqual([]);
      },
    );
  });

  describe('HTTP', () => {
    it.each(LEAD_ROUTES)('an agent gets 403 forbidden on $route, and it changes nothing', async ({ request }) => {
      const [method, path, body] = request({ scorecardId });
      const before = await routesFootprint();
      expect(await callApi(t, tokens.dana, method, path, body)).toEqual({ status: 403, body: LEAD_ONLY_FORBIDDEN });
      expect(await routesFootprint()).toEqual(before);
    });

    it.each([
      ...LEAD_ROUTES,
      { route: 'GET /api/qa/quality', request: () => ['GET', `/api/qa/quality?${window}`] },
      { route: 'GET /api/qa/quality.csv', request: () => ['GET', `/api/qa/quality.csv?${window}`] },
    ] as Route[])('without a token, $route answers 401 unauthorized and changes nothing', async ({ request }) => {
      const [method, path, body] = request({ scorecardId });
      const before = await routesFootprint();
      expect(await callApi(t, undefined, method, path, body)).toEqual({ status: 401, body: SIGN_IN_FIRST });
      expect(await routesFootprint()).toEqual(before);
    });

    const quality = async (who: 'dana' | 'lee' | 'tia', query: string) => {
      const answer = await callApi(t, tokens[who], 'GET', `/api/qa/quality?${window}${query}`);
      expect(answer.status).toBe(200);
      const body = answer.body as { groupBy: string; rows: QualityRowView[] };
      return { groupBy: body.groupBy, rows: body.rows.map((r) => [r.group, r.score, r.reviews]) };
    };

    // Dana's only counted review is lee's (75): her calibration reviews (12.5 and 100) are not in it.
    it.each(['', '&groupBy=team', '&agentId=omar', '&groupBy=team&teamId=t2', '&groupBy=scorecard&agentId=fay'])(
      'an agent asking the quality scores with "%s" gets their own agent row only',
      async (query) => {
        expect(await quality('dana', query)).toEqual({ groupBy: 'agent', rows: [['dana', 75, 1]] });
      },
    );

    it('an agent’s quality CSV holds their own row only, whoever they ask for', async () => {
      const answer = await callApi(t, tokens.dana, 'GET', `/api/qa/quality.csv?${window}&agentId=omar&groupBy=team`);
      expect(answer.status).toBe(200);
      expect((answer.body as string).split('\r\n').filter(Boolean).slice(1)).toEqual([
        expect.stringMatching(/^dana,dana,\d{4}-\d{2}-\d{2},75\.0,1$/),
      ]);
    });

    it.each(['/api/qa/quality', '/api/qa/quality.csv'])(
      'a lead asking %s for another team gets 403 forbidden',
      async (path) => {
        for (const query of ['&teamId=t2', '&groupBy=team&teamId=t2']) {
          expect(await callApi(t, tokens.lee, 'GET', `${path}?${window}${query}`)).toEqual({
            status: 403,
            body: { error: { code: 'forbidden', message: "A team lead sees their own team's quality scores only." } },
          });
        }
      },
    );

    it('a lead asking the quality scores without a team gets their own team’s agents only', async () => {
      expect(await quality('lee', '')).toEqual({
        groupBy: 'agent',
        rows: [
          ['dana', 75, 1],
          ['omar', 0, 1],
        ],
      });
      expect(await quality('lee', '&agentId=fay')).toEqual({ groupBy: 'agent', rows: [] });
      expect(await quality('tia', '')).toEqual({ groupBy: 'agent', rows: [['fay', 100, 1]] });
    });
  });
});
