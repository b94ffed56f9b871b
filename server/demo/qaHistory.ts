import type { Queryable } from '../db/db';
import { loadConversation, publishConversation, publishWorkingSet } from '../store/publish';
import type { ChangeWriter } from '../sync/changeLog';

/**
 * Yesterday's handled work in the demo tenant (issue 8): per team, a call with its transcript, a
 * public X complaint answered in public, and an email, each resolved by one of the team's agents,
 * so a lead signing in to the demo has conversations to review and sampling has some to assign
 * before anyone has worked a shift. `{agent}` is the agent's first name.
 */
type Line = [speaker: 'customer' | 'agent', text: string];

const CALLS: { customer: string; phone: string; lines: Line[] }[] = [
  {
    customer: 'Priya Shah',
    phone: '+447700900123',
    lines: [
      ['agent', 'Thank you for calling Skyward Air, this is {agent}. How can I help?'],
      ['customer', 'My flight to Porto was cancelled this morning and nobody told me.'],
      ['agent', 'I am so sorry, that is frustrating. Let me look at your booking.'],
      ['customer', 'I have to be in Porto by Friday for a wedding.'],
      ['agent', 'I can rebook you on tomorrow’s 7:40 flight at no cost. Is there anything else I can help with?'],
    ],
  },
  {
    customer: 'Lukas Berger',
    phone: '+4915112345678',
    lines: [
      ['agent', 'Skyward Air, {agent} speaking.'],
      ['customer', 'I was charged twice for the same seat upgrade.'],
      ['agent', 'Okay. Give me your booking reference.'],
      ['customer', 'It is K7Q2PL.'],
      ['agent', 'The second charge is refunded, it takes five days. Bye.'],
    ],
  },
  {
    customer: 'Amara Okafor',
    phone: '+2348031234567',
    lines: [
      ['agent', 'Good afternoon, Skyward Air, this is {agent}.'],
      ['customer', 'My suitcase came back with a broken wheel.'],
      ['agent', 'I am sorry to hear that. I have opened damage case LB-88310 for you.'],
      ['customer', 'Will I get it repaired?'],
      ['agent', 'Yes, our partner will collect it this week. Have a good day.'],
    ],
  },
];

const POSTS: { customer: string; handle: string; followers: number; sentiment: number; text: string; reply: string }[] =
  [
    {
      customer: 'Jordan Miles',
      handle: '@jordanm',
      followers: 48_200,
      sentiment: -3,
      text: '@SkywardAir my bag arrived torn open at LHR. Really poor service.',
      reply:
        'Hi Jordan, we are sorry about your bag. Please send us a DM with your booking reference and we will put it right. ^{initials}',
    },
    {
      customer: 'Sofia Rossi',
      handle: '@sofiatravels',
      followers: 1_250,
      sentiment: -4,
      text: '@SkywardAir three hours on the tarmac in Milan and not a single update. Never again.',
      reply: 'That is not the experience we want for you, Sofia. DM us and we will look into compensation. ^{initials}',
    },
    {
      customer: 'Mei Tan',
      handle: '@meitan',
      followers: 310,
      sentiment: 0,
      text: '@SkywardAir is the lounge in Lisbon open this early?',
      reply: 'yes it opens at 5',
    },
  ];

const EMAILS: { customer: string; address: string; subject: string; text: string; reply: string }[] = [
  {
    customer: 'Maya Lindqvist',
    address: 'maya@example.com',
    subject: 'Refund for cancelled flight SK 2231',
    text: 'Hello, my flight SK 2231 was cancelled and I would like a refund to my card.',
    reply:
      'Dear Maya,\n\nYour refund for SK 2231 is approved and reaches your card within five working days.\n\nKind regards,\n{agent}',
  },
  {
    customer: 'Tom Becker',
    address: 'tom.becker@example.com',
    subject: 'Name change on booking',
    text: 'Hi, my name is misspelled on my ticket (Beker instead of Becker). Can you fix it?',
    reply: 'Hi Tom, fixed it. Thanks',
  },
  {
    customer: 'Elena Rossi',
    address: 'elena.rossi@example.com',
    subject: 'Lost baggage claim',
    text: 'Dear Skyward, my bag has been missing for four days now. Claim LB-55210.',
    reply:
      'Dear Elena,\n\nI am sorry your bag is still missing. Our baggage team in Milan has found it and will deliver it tomorrow.\n\nKind regards,\n{agent}',
  },
];

const minutes = (n: number) => n * 60_000;

export async function seedReviewableHistory(tx: Queryable, changes: ChangeWriter, now: Date): Promise<void> {
  const { rows: agents } = await tx.query<{ id: string; name: string; team_id: string }>(
    `select distinct on (team_id) id, name, team_id from agents
     where role = 'agent' and team_id is not null order by team_id, id`,
  );
  let n = 0;
  for (const [t, agent] of agents.slice(0, 3).entries()) {
    const first = agent.name.split(' ')[0] ?? agent.name;
    const initials = agent.name
      .split(' ')
      .map((p) => p[0])
      .join('');
    const fill = (text: string) => text.replaceAll('{agent}', first).replaceAll('{initials}', initials);
    // Yesterday, spread over the day: each handled in a few minutes.
    const start = (k: number) => new Date(now.getTime() - 86_400_000 + minutes(60 * t + 20 * k));
    const conversation = async (
      k: number,
      c: {
        channel: string;
        customer: string;
        kind: string;
        value: string;
        subject: string | null;
        reach: number;
        sentiment: number;
      },
      messages: { direction: string; visibility: string; body: string; speaker?: string; meta?: object; at: number }[],
    ) => {
      const id = `demo-history-${++n}`;
      const opened = start(k);
      await tx.query('insert into customers (id, display_name) values ($1, $2)', [`${id}-customer`, c.customer]);
      await tx.query(
        'insert into identities (id, customer_id, kind, value, display_name) values ($1, $2, $3, $4, $5)',
        [`${id}-identity`, `${id}-customer`, c.kind, c.value, c.customer],
      );
      await tx.query(
        `insert into conversations (id, customer_id, channel, thread_key, subject, status, assigned_agent_id, reach, sentiment,
           first_response_due, first_response_at, created_at, updated_at, resolved_at)
         values ($1, $2, $3, $1, $4, 'resolved', $5, $6, $7, $8, $9, $10, $11, $11)`,
        [
          id,
          `${id}-customer`,
          c.channel,
          c.subject,
          agent.id,
          c.reach,
          c.sentiment,
          new Date(opened.getTime() + minutes(30)),
          new Date(opened.getTime() + minutes(2 + k)),
          opened,
          new Date(opened.getTime() + minutes(12)),
        ],
      );
      for (const [i, m] of messages.entries()) {
        await tx.query(
          `insert into messages (id, conversation_id, direction, visibility, author_agent_id, speaker, body, meta, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            `${id}-m${i + 1}`,
            id,
            m.direction,
            m.visibility,
            m.direction === 'outbound' || m.speaker === 'agent' ? agent.id : null,
            m.speaker ?? null,
            fill(m.body),
            m.meta ? JSON.stringify(m.meta) : null,
            new Date(opened.getTime() + m.at),
          ],
        );
      }
      const row = (await loadConversation(tx, id))!;
      const audience = await publishConversation(tx, changes, row);
      await publishWorkingSet(tx, changes, row, audience);
    };

    const call = CALLS[t]!;
    await conversation(
      0,
      {
        channel: 'voice',
        customer: call.customer,
        kind: 'phone',
        value: call.phone,
        subject: `Call from ${call.phone}`,
        reach: 0,
        sentiment: -1,
      },
      call.lines.map(([speaker, body], i) => ({
        direction: 'transcript',
        visibility: 'private',
        speaker,
        body,
        meta: { startMs: i * 14_000, endMs: i * 14_000 + 11_000 },
        at: i * 14_000,
      })),
    );
    const post = POSTS[t]!;
    await conversation(
      1,
      {
        channel: 'x_public',
        customer: post.customer,
        kind: 'x_handle',
        value: post.handle,
        subject: null,
        reach: post.followers,
        sentiment: post.sentiment,
      },
      [
        { direction: 'inbound', visibility: 'public', body: post.text, at: 0 },
        { direction: 'outbound', visibility: 'public', body: post.reply, at: minutes(4) },
      ],
    );
    const email = EMAILS[t]!;
    await conversation(
      2,
      {
        channel: 'email',
        customer: email.customer,
        kind: 'email',
        value: email.address,
        subject: email.subject,
        reach: 0,
        sentiment: -1,
      },
      [
        { direction: 'inbound', visibility: 'private', body: email.text, at: 0 },
        { direction: 'outbound', visibility: 'private', body: email.reply, at: minutes(9) },
      ],
    );
  }
}
