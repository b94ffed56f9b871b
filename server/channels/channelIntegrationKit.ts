import type { TestServer } from '../testing/testServer';
import type { ConnectorName, ConnectorStatus } from './health';

/**
 * Test support for the channels' end-to-end tests on the real backend (`startTestServer`): a
 * provider's delivery to a webhook, the conversation a provider's message landed in, an agent
 * reply's delivery once the dispatcher settled it, and the connector health admins see.
 */

/** POSTs `body` as the provider would and waits for routing to settle: the answer's status and JSON body. */
export async function deliverWebhook(t: TestServer, path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers, body });
  await t.settle();
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface ConversationState {
  id: string;
  channel: string;
  thread_key: string;
  assigned_agent_id: string | null;
  status: string;
  reach: number;
}

/** The conversation holding the message `provider` knows as `providerMessageId`; undefined if none was stored. */
export async function conversationOfMessage(
  t: TestServer,
  provider: string,
  providerMessageId: string,
): Promise<ConversationState | undefined> {
  const { rows } = await t.db.query<ConversationState>(
    `select c.id, c.channel, c.thread_key, c.assigned_agent_id, c.status, c.reach from messages m
     join conversations c on c.id = m.conversation_id where m.provider = $1 and m.provider_message_id = $2`,
    [provider, providerMessageId],
  );
  return rows[0];
}

export interface DeliveryState {
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
}

/**
 * Waits until the delivery row of the reply `messageId` is in the state `until` asks for (by
 * default, settled: sent or failed). The dispatcher sends in the background, so tests poll.
 */
export async function deliveryOf(
  t: TestServer,
  messageId: string,
  until: (row: DeliveryState) => boolean = (row) => row.status !== 'pending',
  timeoutMs = 10_000,
): Promise<DeliveryState> {
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    const { rows } = await t.db.query<DeliveryState>(
      'select status, attempts, last_error, provider_message_id from deliveries where message_id = $1',
      [messageId],
    );
    if (rows[0] && until(rows[0])) return rows[0];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the delivery of ${messageId} did not settle within ${timeoutMs / 1000} s`);
}

/** The connector's health as the admin `adminId` sees it on `GET /api/admin/connectors`. */
export async function connectorStatus(
  t: TestServer,
  adminId: string,
  connector: ConnectorName,
): Promise<ConnectorStatus | undefined> {
  const token = await t.signIn(adminId);
  const response = await fetch(`${t.url}/api/admin/connectors`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /api/admin/connectors answered ${response.status}`);
  const { connectors } = (await response.json()) as { connectors: ConnectorStatus[] };
  return connectors.find((c) => c.connector === connector);
}
