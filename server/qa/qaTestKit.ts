import type { ScorecardDraftInput, ScorecardVersionView } from '../../shared/qa/scorecard';
import type { TestServer } from '../testing/testServer';

/**
 * Creates a scorecard as a lead (or admin) and publishes it as version 1, through the HTTP routes
 * the app uses: what the QA integration tests start from.
 */
export async function publishScorecard(
  t: TestServer,
  leadId: string,
  draft: ScorecardDraftInput,
): Promise<ScorecardVersionView> {
  const token = await t.signIn(leadId);
  const post = async (path: string, payload?: unknown) => {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    const body = (await response.json()) as ScorecardVersionView;
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const created = await post('/api/scorecards', draft);
  return post(`/api/scorecards/${created.scorecardId}/publish`);
}

/** A resolved conversation `agentId` handled, with one public customer message: what a review scores. */
export async function addHandledConversation(
  t: TestServer,
  conversationId: string,
  agentId: string,
): Promise<{ conversationId: string; messageId: string }> {
  const customerId = `customer-of-${conversationId}`;
  const messageId = `message-of-${conversationId}`;
  await t.db.query('insert into customers (id, display_name) values ($1, $2)', [customerId, 'Maya Lopez']);
  await t.db.query(
    `insert into conversations (id, customer_id, channel, thread_key, status, assigned_agent_id, resolved_at)
     values ($1, $2, 'x_public', $1, 'resolved', $3, $4)`,
    [conversationId, customerId, agentId, new Date(t.clock.now())],
  );
  await t.db.query(
    `insert into messages (id, conversation_id, direction, visibility, body) values ($1, $2, 'inbound', 'public', $3)`,
    [messageId, conversationId, '@skywardair my bag never arrived'],
  );
  return { conversationId, messageId };
}

/** One HTTP call as the app makes it: with `token` as bearer (none when undefined); the body parsed. */
export async function callApi(
  t: TestServer,
  token: string | undefined,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  payload?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const json = response.headers.get('content-type')?.includes('application/json');
  return { status: response.status, body: json ? await response.json() : await response.text() };
}
