import { publishDirectory } from '../store/directory';
import type { Capacity, Skills } from '../../shared/domain';
import type { Db } from '../db/db';
import { hashPassword } from '../auth/passwords';

export const DEMO_PASSWORD = 'switchboard-demo';

const teams = [
  { id: 'team-social', name: 'Social care' },
  { id: 'team-voice', name: 'Voice and chat' },
  { id: 'team-email', name: 'Email and escalations' },
];

const languages = ['lang:es', 'lang:fr', 'lang:de'];
const topics = ['baggage', 'refunds', 'loyalty'];

/** Forty agents with different skills and capacities, three leads and an admin. */
export function demoAgents(): {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'lead' | 'admin';
  team: string | null;
  skills: Skills;
  capacity: Capacity;
}[] {
  const first = [
    'Dana',
    'Sam',
    'Priya',
    'Luis',
    'Mei',
    'Tom',
    'Aisha',
    'Jonas',
    'Elena',
    'Kofi',
    'Nora',
    'Ravi',
    'Lea',
    'Omar',
    'Ines',
    'Hugo',
    'Zoe',
    'Ken',
    'Maya',
    'Ivan',
  ];
  const last = ['Reyes', 'Okafor', 'Nair', 'Garcia', 'Chen', 'Berg', 'Khan', 'Weber', 'Rossi', 'Mensah'];
  const agents = [];
  for (let i = 1; i <= 40; i++) {
    const team = teams[(i - 1) % 3]!;
    const skills: Skills = {};
    if (team.id === 'team-social') Object.assign(skills, { social: 3 + (i % 3), chat: 2 });
    if (team.id === 'team-voice') Object.assign(skills, { voice: 3 + (i % 3), chat: 3 });
    if (team.id === 'team-email') Object.assign(skills, { email: 3 + (i % 3), social: 2 });
    if (i % 4 === 0) skills.email = Math.max(skills.email ?? 0, 2);
    if (i % 5 === 0) skills.voice = Math.max(skills.voice ?? 0, 2);
    skills[languages[i % 3]!] = i % 2 ? 4 : 2;
    skills[topics[i % 3]!] = 3;
    if (i % 7 === 0) skills[topics[(i + 1) % 3]!] = 2;
    const capacity: Capacity = {
      voice: skills.voice ? 1 : 0,
      chat: 2 + (i % 2),
      social: 3 + (i % 3),
      email: 4 + (i % 3),
    };
    agents.push({
      id: `agent-${i}`,
      email: `agent${i}@demo.test`,
      name: `${first[(i - 1) % first.length]!} ${last[(i * 7) % last.length]!}`,
      role: 'agent' as const,
      team: team.id,
      skills,
      capacity,
    });
  }
  for (let i = 1; i <= 3; i++) {
    agents.push({
      id: `lead-${i}`,
      email: `lead${i}@demo.test`,
      name: `${['Grace', 'Victor', 'Amara'][i - 1]!} Lead`,
      role: 'lead' as const,
      team: teams[i - 1]!.id,
      skills: { social: 4, email: 4, voice: 4, chat: 4, baggage: 4, refunds: 4, loyalty: 4 } as Skills,
      capacity: { voice: 1, chat: 2, social: 3, email: 5 },
    });
  }
  agents.push({
    id: 'admin',
    email: 'admin@demo.test',
    name: 'Ada Admin',
    role: 'admin' as const,
    team: null,
    skills: {},
    capacity: { voice: 0, chat: 0, social: 0, email: 0 },
  });
  return agents;
}

const slas: [string, number, number, number][] = [
  ['voice', 30, 60, 1800],
  ['chat', 60, 120, 3600],
  ['x_public', 900, 1800, 8 * 3600],
  ['facebook', 1800, 3600, 8 * 3600],
  ['x_dm', 1800, 3600, 24 * 3600],
  ['messenger', 1800, 3600, 24 * 3600],
  ['email', 4 * 3600, 8 * 3600, 48 * 3600],
];

const rules = [
  {
    name: 'Damaged or lost baggage',
    query:
      '(@skywardair OR #skywardair OR "skyward air") AND (broke OR broken OR damaged OR lost OR bag OR baggage OR luggage OR suitcase)',
    skills: ['baggage'],
    boost: 10,
    alert: false,
  },
  {
    name: 'Refund requests',
    query: '(@skywardair OR #skywardair OR "skyward air") AND (refund* OR "money back" OR chargeback OR compensation)',
    skills: ['refunds'],
    boost: 5,
    alert: false,
  },
  {
    name: 'Viral complaint: broken instruments',
    query:
      '("skyward breaks guitars" OR #skywardbreaksguitars OR ((guitar* OR cello OR violin OR instrument*) AND (broke OR broken OR smashed OR damaged) AND (@skywardair OR #skywardair OR "skyward air")))',
    skills: ['baggage'],
    boost: 30,
    alert: true,
  },
  {
    name: 'Competitor mentions (alert only)',
    query: '(@flyblueline OR "blue line air") AND (@skywardair OR "skyward air") NOT #ad',
    skills: [],
    boost: 0,
    alert: true,
    createConversation: false,
  },
];

const templates = [
  {
    id: 'tpl-baggage-damaged',
    topic: 'baggage',
    title: 'Damaged baggage',
    renderings: {
      phone_script:
        "I'm sorry to hear your bag was damaged, {firstName}. I've opened case {caseId}; I'll take your details now and you'll get a repair or replacement offer within 5 working days.",
      email:
        'Dear {firstName},\n\nThank you for letting us know your baggage was damaged. We have opened case {caseId} and will send you a repair or replacement offer within 5 working days.\n\nKind regards,\n{agentName}\nSkyward Air Customer Care',
      public_social:
        "We're sorry about your bag, {firstName}. Please DM us your booking reference and we'll sort it out. ^{agentInitials}",
      private_social:
        "Hi {firstName}, sorry about the damage. I've opened case {caseId}: send a photo of the bag and your booking reference and we'll arrange a repair or replacement. {agentName}",
      chat: "Sorry about your bag, {firstName}! I've opened case {caseId}. Could you share a photo and your booking reference?",
    },
  },
  {
    id: 'tpl-refund-status',
    topic: 'refunds',
    title: 'Refund status',
    renderings: {
      phone_script:
        'Let me check that refund for you, {firstName}. Refunds reach your card within 7 to 10 working days after approval; your case is {caseId}.',
      email:
        'Dear {firstName},\n\nYour refund request is case {caseId}. Refunds reach your card within 7–10 working days after approval.\n\nKind regards,\n{agentName}\nSkyward Air Customer Care',
      public_social:
        "Hi {firstName}, we'd like to look into your refund. Please DM us your booking reference. ^{agentInitials}",
      private_social:
        'Hi {firstName}, your refund is case {caseId}; it reaches your card within 7–10 working days after approval. {agentName}',
      chat: 'Your refund is case {caseId}, {firstName}: 7–10 working days after approval.',
    },
  },
];

/** Seeds the demo tenant once, into an empty database. Returns whether it did. */
export async function seedDemoTenant(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from agents');
  if ((rows[0]?.n ?? 0) > 0) return false;
  // One hash for every demo account: they share the published demo password anyway.
  const hash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    for (const t of teams) await tx.query('insert into teams (id, name) values ($1, $2)', [t.id, t.name]);
    for (const a of demoAgents()) {
      await tx.query(
        'insert into agents (id, email, name, role, team_id, password_hash, skills, capacity) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [a.id, a.email, a.name, a.role, a.team, hash, JSON.stringify(a.skills), JSON.stringify(a.capacity)],
      );
    }
    for (const [channel, first, next, resolution] of slas) {
      await tx.query(
        'insert into sla_policies (channel, first_response_seconds, next_response_seconds, resolution_seconds) values ($1, $2, $3, $4)',
        [channel, first, next, resolution],
      );
    }
    for (const r of rules) {
      await tx.query(
        'insert into listening_rules (id, name, query, skills, priority_boost, alert, create_conversation) values ($1, $2, $3, $4, $5, $6, $7)',
        [crypto.randomUUID(), r.name, r.query, r.skills, r.boost, r.alert, r.createConversation ?? true],
      );
    }
    for (const t of templates) {
      await tx.query('insert into templates (id, topic, title, renderings) values ($1, $2, $3, $4)', [
        t.id,
        t.topic,
        t.title,
        JSON.stringify(t.renderings),
      ]);
    }
  });
  await publishDirectory(db);
  return true;
}

/** SWITCHBOARD_ADMIN_EMAIL/PASSWORD: the first admin of an otherwise empty database. */
export async function seedAdmin(db: Db, email: string, password: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from agents where role = 'admin'");
  if ((rows[0]?.n ?? 0) > 0) return false;
  await db.query(
    "insert into agents (id, email, name, role, password_hash) values ($1, $2, 'Administrator', 'admin', $3)",
    [crypto.randomUUID(), email, await hashPassword(password)],
  );
  return true;
}
