import { ScorecardVersionSchema, type SamplingRuleInput } from '../../shared/qa/scorecard';
import type { Db } from '../db/db';
import { scorecardView } from '../qa/scorecardRoutes';
import { withChanges } from '../sync/changeLog';
import { seedReviewableHistory } from './qaHistory';

/**
 * The demo tenant's QA setup (issue 8): one published scorecard whose criteria cover every channel
 * (phone script on calls, formality on email, personal data in public social posts, automatic
 * checks where the data decides) and two sampling rules for the three demo leads, so a lead who
 * signs in to the demo finds conversations to review once agents have resolved some.
 */
const CARD = ScorecardVersionSchema.parse({
  scorecardId: 'demo-customer-care',
  version: 1,
  name: 'Customer care',
  sections: [
    {
      id: 'opening',
      title: 'Opening and tone',
      criteria: [
        {
          id: 'first-response',
          label: 'First response within the SLA target',
          weight: 1,
          scale: 'yes_no',
          auto: 'first_response_sla',
        },
        {
          id: 'greeting',
          label: 'Greets and closes as the channel’s tone asks',
          guidance: 'Phone: name and company first, a closing line last. Email: greeting, closing and signature.',
          weight: 1,
          scale: 'yes_no',
          auto: 'tone_template',
        },
        {
          id: 'empathy',
          label: 'Acknowledges the customer’s problem',
          guidance: 'Names what went wrong in the customer’s own terms before solving it.',
          weight: 2,
          scale: '1_5',
          allowNa: false,
        },
      ],
    },
    {
      id: 'resolution',
      title: 'Resolution',
      criteria: [
        {
          id: 'accuracy',
          label: 'Gives correct information',
          guidance: 'Fares, policies and times as the knowledge base has them. A wrong answer fails the review.',
          weight: 3,
          scale: 'yes_no',
          allowNa: false,
          critical: true,
        },
        {
          id: 'consistency',
          label: 'Uses the approved answer written for the channel',
          weight: 1,
          scale: 'yes_no',
          auto: 'consistency',
        },
        {
          id: 'script',
          label: 'Follows the phone script',
          weight: 1,
          scale: '1_3',
          channels: ['voice'],
          messageKinds: ['transcript'],
        },
        { id: 'formality', label: 'Formal, complete email', weight: 1, scale: '1_3', channels: ['email'] },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance',
      criteria: [
        {
          id: 'pii',
          label: 'No personal data in a public reply',
          weight: 1,
          scale: 'yes_no',
          critical: true,
          channels: ['x_public', 'facebook'],
          messageKinds: ['public'],
          auto: 'pii_in_public',
        },
        { id: 'spelling', label: 'Spelling', weight: 1, scale: '1_3', auto: 'spelling' },
      ],
    },
  ],
});

const LEADS = ['lead-1', 'lead-2', 'lead-3'];

const RULES: SamplingRuleInput[] = [
  {
    name: 'Random 10 %',
    scorecardId: CARD.scorecardId,
    leadIds: LEADS,
    rule: { kind: 'random_share', share: 0.1 },
  },
  {
    name: 'Risky',
    scorecardId: CARD.scorecardId,
    leadIds: LEADS,
    rule: { kind: 'risk', publicReach: 10_000, slaBreached: true, negativeSentiment: -3 },
  },
];

/** Seeds the scorecard (published, in the change log for every app), yesterday's handled work and the rules; once. */
export async function seedDemoQa(db: Db, now: Date): Promise<void> {
  await withChanges(db, async (tx, changes) => {
    const { rows } = await tx.query('select 1 from scorecards where id = $1', [CARD.scorecardId]);
    if (rows.length) return;
    const definition = { name: CARD.name, sections: CARD.sections };
    await tx.query("insert into scorecards (id, name, created_by) values ($1, $2, 'admin')", [
      CARD.scorecardId,
      CARD.name,
    ]);
    await tx.query(
      "insert into scorecard_versions (scorecard_id, version, definition, published_at, published_by) values ($1, 1, $2, $3, 'admin')",
      [CARD.scorecardId, JSON.stringify(definition), now],
    );
    const view = scorecardView({ scorecard_id: CARD.scorecardId, version: 1, definition, published_at: now });
    changes.append('scorecard', view.id, { ...view }, { all: true });
    await seedReviewableHistory(tx, changes, now);
    for (const [i, rule] of RULES.entries()) {
      await tx.query(
        "insert into sampling_rules (id, name, kind, params, scorecard_id, lead_ids, created_by, created_at) values ($1, $2, $3, $4, $5, $6, 'admin', $7)",
        [
          `demo-rule-${i + 1}`,
          rule.name,
          rule.rule.kind,
          JSON.stringify(rule.rule),
          rule.scorecardId,
          rule.leadIds,
          now,
        ],
      );
    }
  });
}
