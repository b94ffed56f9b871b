import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../shared/domain';
import type { Db } from '../../db/db';
import { migrate } from '../../db/migrate';
import type { MessageRow } from '../../store/rows';
import type { PendingChange } from '../../sync/changeLog';
import { DB_KINDS, openTestDatabase } from '../../testing/testDatabase';
import { ConnectorHealth } from '../health';
import { DeliveryError, type ChannelSender, type OutboundReply, type SendResult } from '../types';
import { queueDelivery } from './deliveries';
import { RETRY_DELAYS_MS, startDispatcher, type Dispatcher } from './dispatcher';

/** A sender whose answers the test scripts: each call takes the next answer (default: sent). */
class ScriptedSender implements ChannelSender {
  readonly connector = 'x' as const;
  readonly channels: Channel[] = ['x_public', 'x_dm', 'email'];
  readonly calls: OutboundReply[] = [];
  readonly answers: (SendResult | DeliveryError)[] = [];
  send(reply: OutboundReply): Promise<SendResult> {
    this.calls.push(reply);
    const answer = this.answers.shift() ?? { providerMessageId: `sent-${this.calls.length}` };
    return answer instanceof DeliveryError ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

const silent = { error: () => {}, warn: () => {}, info: () => {} } as never;

describe.each(DB_KINDS)('reply delivery on %s', { timeout: 30_000 }, (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let dispatcher: Dispatcher;
  let now = Date.parse('2026-11-26T10:00:00Z');
  let pushed: PendingChange[];
  let sender: ScriptedSender;
  let health: ConnectorHealth;

  afterEach(async () => {
    await dispatcher?.stop();
    await drop?.();
  });

  async function setUp() {
    ({ db, drop } = await openTestDatabase(kind));
    await migrate(db);
    now = Date.parse('2026-11-26T10:00:00Z');
    pushed = [];
    sender = new ScriptedSender();
    health = new ConnectorHealth(() => now);
    await db.query(
      "insert into agents (id, email, name, role, password_hash) values ('dana', 'dana@example.com', 'Dana', 'agent', 'x')",
    );
    await db.query("insert into customers (id, display_name) values ('c1', 'Maya')");
    await db.query(
      `insert into identities (id, customer_id, kind, value, display_name, created_at) values
       ('i-x', 'c1', 'x_handle', '@maya', 'Maya L', now() - interval '1 day'),
       ('i-mail', 'c1', 'email', 'maya@example.com', 'Maya L', now())`,
    );
    await db.query(
      `insert into conversations (id, customer_id, channel, thread_key, status, assigned_agent_id, last_inbound_at)
       values ('conv', 'c1', 'x_public', 'tweet-1', 'assigned', 'dana', $1)`,
      [new Date(now - 60_000)],
    );
    await db.query(
      `insert into messages (id, conversation_id, direction, visibility, author_identity_id, body, provider, provider_message_id, meta, created_at)
       values ('in1', 'conv', 'inbound', 'public', 'i-x', 'Where is my bag?', 'x', 'tweet-1', '{"xUserId":"42"}', $1),
              ('in2', 'conv', 'inbound', 'public', 'i-x', 'Still waiting', 'x', 'tweet-2', '{"xUserId":"42"}', $2)`,
      [new Date(now - 120_000), new Date(now - 60_000)],
    );
    dispatcher = startDispatcher({
      db,
      senders: [sender],
      health,
      push: (changes) => pushed.push(...changes),
      now: () => now,
      log: silent,
      intervalMs: 3_600_000,
    });
  }

  async function reply(id: string, body: string, via: string | null = null): Promise<void> {
    const { rows } = await db.query<MessageRow>(
      `insert into messages (id, conversation_id, direction, visibility, author_agent_id, body, via, created_at)
       values ($1, 'conv', 'outbound', $2, 'dana', $3, $4, $5) returning *`,
      [id, via ? 'private' : 'public', body, via, new Date(now)],
    );
    const queued = await db.transaction((tx) => queueDelivery(tx, rows[0]!, 'x_public', new Date(now)));
    expect(queued.delivery_status).toBe('pending');
    now += 1; // replies written one after the other
  }

  const state = async (id: string) =>
    (
      await db.query<{ delivery_status: string; delivery_error: string | null; provider_message_id: string | null }>(
        'select delivery_status, delivery_error, provider_message_id from messages where id = $1',
        [id],
      )
    ).rows[0];

  it('sends a reply threaded to the newest inbound message, stores the provider id and publishes it', async () => {
    await setUp();
    await reply('r1', 'We are on it');
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    const call = sender.calls[0]!;
    expect(call).toMatchObject({
      messageId: 'r1',
      channel: 'x_public',
      conversationChannel: 'x_public',
      visibility: 'public',
      body: 'We are on it',
      threadKey: 'tweet-1',
      recipient: { kind: 'x_handle', value: '@maya' },
      inReplyTo: { providerMessageId: 'tweet-2', meta: { xUserId: '42' } },
      threadMessageIds: ['tweet-1', 'tweet-2'],
      agent: { id: 'dana', name: 'Dana' },
      attempt: 0,
    });
    expect(await state('r1')).toEqual({ delivery_status: 'sent', delivery_error: null, provider_message_id: 'sent-1' });
    const change = pushed.find((c) => c.change.entity === 'message' && c.change.id === 'r1');
    expect(change?.change.data).toMatchObject({ delivery: 'sent' });
    expect(change?.audience).toEqual({ agentId: 'dana', teamId: null });
    expect(health.status('x')).toMatchObject({ sent: 1, status: 'connected' });
  });

  it('retries a retryable failure with backoff, holding later replies of the conversation back', async () => {
    await setUp();
    sender.answers.push(new DeliveryError('X answered 503', true));
    await reply('r1', 'first');
    await reply('r2', 'second');
    await dispatcher.flush();
    expect(sender.calls.map((c) => c.messageId)).toEqual(['r1']);
    expect(await state('r1')).toMatchObject({ delivery_status: 'pending', delivery_error: 'X answered 503' });
    expect(await state('r2')).toMatchObject({ delivery_status: 'pending' });
    expect(health.status('x')).toMatchObject({ status: 'failing', sendFailures: 1 });

    now += RETRY_DELAYS_MS[0] - 10;
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    now += 10;
    await dispatcher.flush();
    expect(sender.calls.map((c) => `${c.messageId}#${c.attempt}`)).toEqual(['r1#0', 'r1#1', 'r2#0']);
    expect((await state('r1'))?.delivery_status).toBe('sent');
    expect((await state('r2'))?.delivery_status).toBe('sent');
    expect(health.status('x').status).toBe('connected');
  });

  it('fails at once on a refusal, and after the last retry on an outage, saying why', async () => {
    await setUp();
    sender.answers.push(new DeliveryError('The text is over 280 characters.', false));
    await reply('r1', 'x'.repeat(300));
    await dispatcher.flush();
    expect(await state('r1')).toMatchObject({
      delivery_status: 'failed',
      delivery_error: 'The text is over 280 characters.',
    });

    for (let i = 0; i <= RETRY_DELAYS_MS.length; i++) sender.answers.push(new DeliveryError('unreachable', true));
    await reply('r2', 'hello');
    for (const delay of [0, ...RETRY_DELAYS_MS]) {
      now += delay;
      await dispatcher.flush();
    }
    expect(sender.calls.filter((c) => c.messageId === 'r2')).toHaveLength(RETRY_DELAYS_MS.length + 1);
    expect(await state('r2')).toMatchObject({
      delivery_status: 'failed',
      delivery_error: `Not delivered after ${RETRY_DELAYS_MS.length + 1} tries: unreachable`,
    });
    const { rows } = await db.query('select status from deliveries order by created_at');
    expect(rows).toEqual([{ status: 'failed' }, { status: 'failed' }]);
  });

  it('sends a social thread answered by email to the customer address, not threaded to the post', async () => {
    await setUp();
    await reply('r1', 'Details by email', 'email');
    await dispatcher.flush();
    expect(sender.calls[0]).toMatchObject({
      channel: 'email',
      conversationChannel: 'x_public',
      visibility: 'private',
      recipient: { kind: 'email', value: 'maya@example.com', displayName: 'Maya L' },
    });
  });

  it('tells the agent when the customer has nobody to send to on that channel', async () => {
    await setUp();
    await db.query("delete from identities where id = 'i-mail'");
    await reply('r1', 'Details by email', 'email');
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(0);
    expect(await state('r1')).toMatchObject({
      delivery_status: 'failed',
      delivery_error: 'The customer has no email to send this reply to.',
    });
  });
});
