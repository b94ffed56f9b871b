import { cleanup, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { Role } from '../../shared/domain';
import type { ScorecardVersion } from '../../shared/qa/scorecard';
import { FakeConnection } from '../conversation/testKit';
import { createAppStore, StoreContext, type AppStore } from '../store/store';
import { SyncDb, type MirrorRow } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';

/**
 * Test support for the QA screens: a real SyncDb on fake-indexeddb seeded with a team (two agents,
 * three leads), a published scorecard, a resolved public X thread and a resolved call with a
 * transcript, and the recording `FakeConnection` that applies each op's optimistic effect.
 */

export const LEAD = 'lead-lee';
export const LEAD_2 = 'lead-kim';
export const LEAD_3 = 'lead-ola';
export const AGENT = 'agent-ann';
export const AGENT_2 = 'agent-bo';

export const SCORECARD: ScorecardVersion = {
  scorecardId: 'card-social',
  version: 2,
  name: 'Customer care',
  sections: [
    {
      id: 'opening',
      title: 'Opening',
      criteria: [
        {
          id: 'greeting',
          label: 'Greets the customer by name',
          guidance: 'Uses the name the customer gave.',
          weight: 1,
          scale: 'yes_no',
          allowNa: true,
          critical: false,
          channels: [],
          messageKinds: [],
          auto: 'tone_template',
        },
        {
          id: 'empathy',
          label: 'Shows empathy',
          guidance: '',
          weight: 2,
          scale: '1_5',
          allowNa: false,
          critical: false,
          channels: [],
          messageKinds: [],
        },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance',
      criteria: [
        {
          id: 'pii',
          label: 'No personal data in public',
          guidance: '',
          weight: 1,
          scale: 'yes_no',
          allowNa: true,
          critical: true,
          channels: ['x_public', 'facebook'],
          messageKinds: ['public'],
          auto: 'pii_in_public',
        },
        {
          id: 'script',
          label: 'Follows the phone script',
          guidance: '',
          weight: 1,
          scale: '1_3',
          allowNa: true,
          critical: false,
          channels: ['voice'],
          messageKinds: ['transcript'],
        },
      ],
    },
  ],
};

export const scorecardRow = (card: ScorecardVersion = SCORECARD): MirrorRow => ({
  id: `${card.scorecardId}@${card.version}`,
  ...card,
  status: 'published',
  publishedAt: '2026-11-01T09:00:00.000Z',
});

/** A submitted review of Ann's X post by Lee with scorecard card-social version 2, nothing rated; `fields` override. */
export const reviewRow = (id: string, fields: Partial<MirrorRow>): MirrorRow => ({
  id,
  conversationId: 'conv-x',
  agentId: AGENT,
  reviewerId: LEAD,
  scorecardId: 'card-social',
  scorecardVersion: 2,
  ratings: {},
  feedback: '',
  comments: [],
  calibrationId: null,
  score: null,
  status: 'submitted',
  version: 3,
  submittedAt: '2026-11-21T09:30:00.000Z',
  ...fields,
});

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

export async function seedQa(db: SyncDb): Promise<void> {
  await db.agents.bulkPut([
    { id: AGENT, name: 'Ann Agent', role: 'agent', skills: {} },
    { id: AGENT_2, name: 'Bo Agent', role: 'agent', skills: {} },
    { id: LEAD, name: 'Lee Lead', role: 'lead', skills: {} },
    { id: LEAD_2, name: 'Kim Lead', role: 'lead', skills: {} },
    { id: LEAD_3, name: 'Ola Lead', role: 'lead', skills: {} },
  ]);
  await db.scorecards.bulkPut([
    scorecardRow({ ...SCORECARD, version: 1, name: 'Customer care (old)' }),
    scorecardRow(),
  ]);
  await db.customers.bulkPut([
    { id: 'cust-x', displayName: 'Jordan Miles', profile: {}, mergedInto: null },
    { id: 'cust-call', displayName: 'Priya Shah', profile: {}, mergedInto: null },
  ]);
  await db.conversations.bulkPut([
    {
      id: 'conv-x',
      customerId: 'cust-x',
      channel: 'x_public',
      status: 'resolved',
      subject: null,
      assignedAgentId: AGENT,
      priority: 0,
      sentiment: -3,
      reach: 12_300,
      skills: [],
      createdAt: at(0),
      resolvedAt: at(20),
    },
    {
      id: 'conv-call',
      customerId: 'cust-call',
      channel: 'voice',
      status: 'resolved',
      subject: 'Call from +44 20 7946 0018',
      assignedAgentId: AGENT,
      priority: 0,
      sentiment: 0,
      reach: 0,
      skills: [],
      createdAt: at(0),
      resolvedAt: at(30),
    },
  ]);
  const message = (id: string, conversationId: string, minute: number, fields: Partial<MirrorRow>): MirrorRow => ({
    id,
    conversationId,
    direction: 'inbound',
    visibility: 'public',
    authorAgentId: null,
    speaker: null,
    body: '',
    templateId: null,
    createdAt: at(minute),
    ...fields,
  });
  await db.messages.bulkPut([
    message('m-x1', 'conv-x', 1, { body: '@SkywardAir my bag arrived torn open at LHR. Really poor.' }),
    message('m-x2', 'conv-x', 5, {
      direction: 'outbound',
      authorAgentId: AGENT,
      body: "We're sorry about your bag, Jordan. Please DM us your booking reference and we'll sort it out. ^AA",
    }),
    message('m-x3', 'conv-x', 9, { body: 'Thanks, sent you a DM.' }),
    ...[
      ['customer', 'Hello, my flight to Porto was cancelled and nobody told me.'],
      ['agent', 'Thank you for calling Skyward Air, my name is Ann. I am sorry to hear that.'],
      ['customer', 'I need to be there by Friday.'],
      ['agent', 'I can rebook you on the 7:40 flight tomorrow morning.'],
    ].map(([speaker, body], i) =>
      message(`m-c${i + 1}`, 'conv-call', 10 + i, {
        direction: 'transcript',
        visibility: 'private',
        speaker,
        body,
        startMs: i * 15_000,
        endMs: i * 15_000 + 12_000,
      }),
    ),
  ]);
}

export function openQaDb(): SyncDb {
  return new SyncDb(`qa-${crypto.randomUUID()}`);
}

/** A fresh database seeded by `seedQa`, and a `FakeConnection` on it acting as `agentId`. */
export async function openSeededQa(agentId?: string): Promise<{ db: SyncDb; connection: FakeConnection }> {
  const db = openQaDb();
  const connection = new FakeConnection(db, agentId);
  await seedQa(db);
  return { db, connection };
}

/** After each test: unmount what was rendered, drop stubbed globals (fetch) and delete the database. */
export async function closeQa(db: SyncDb): Promise<void> {
  cleanup();
  vi.unstubAllGlobals();
  db.close();
  await db.delete();
}

/**
 * Renders a QA screen as `agentId` with `role`, signed in to a server at http://127.0.0.1:9 (no
 * server: HTTP calls are faked by the test through `fetch` stubs).
 */
export function renderQa(
  ui: ReactElement,
  {
    db,
    connection,
    agentId = LEAD,
    role = 'lead',
  }: { db: SyncDb; connection: FakeConnection; agentId?: string; role?: Role },
): ReturnType<typeof render> & { store: AppStore } {
  const store = createAppStore();
  store.getState().setSession(
    {
      token: 'token-1',
      serverUrl: 'http://127.0.0.1:9',
      agent: { id: agentId, name: agentId, email: `${agentId}@example.test`, role },
      expiresAt: '2099-01-01T00:00:00.000Z',
    },
    'keyring',
    null,
  );
  const result = render(
    <StoreContext.Provider value={store}>
      <SyncContext.Provider value={{ connection: connection as unknown as SyncConnection, db, agentId }}>
        {ui}
      </SyncContext.Provider>
    </StoreContext.Provider>,
  );
  return { ...result, store };
}

export { FakeConnection };
