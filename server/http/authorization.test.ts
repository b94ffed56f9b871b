import { SignJWT, UnsecuredJWT } from 'jose';
import http from 'node:http';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, SignInResponseSchema } from '../../shared/api';
import type { Change, OpResult } from '../../shared/protocol';
import { TokenIssuer } from '../auth/tokens';
import { DB_KINDS } from '../testing/testDatabase';
import {
  TEST_INGEST_KEY,
  TEST_PASSWORD,
  startTestServer,
  type TestClient,
  type TestServer,
} from '../testing/testServer';

/**
 * DESIGN.md, Security model: every op is authorised (an agent acts only on their own
 * conversations), a pull returns only what the user may see (leads see their teams'), lead
 * surfaces need a lead, tokens expire, sign-in is rate-limited. One server per database kind:
 * the tests of a block share one floor and run in order.
 */

const SECRET = 'authorization-test-secret-0123456789-abcdef';
const OTHER_SECRET = 'some-other-secret-0123456789-0123456789-xyz';

interface Answer {
  status: number;
  body: unknown;
}

/**
 * One HTTP request with node:http, so a test can pick its source address on loopback
 * (127.0.0.x): sign-in is rate-limited per address and account.
 */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** A token with the right shape and claims, signed by whoever holds `secret`. */
async function signToken(
  secret: string,
  claims: { sub: string; role: string; team?: string | null },
  expiresInSeconds = 900,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role, team: claims.team ?? null })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer('switchboard')
    .setIssuedAt(now - 3600)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** Resolves with the `connect_error` a handshake is refused with (or fails if it connects). */
function refusedHandshake(
  url: string,
  auth: Record<string, unknown> | undefined,
): Promise<{ message: string; data?: { code?: string; message?: string } }> {
  const socket = io(url, {
    ...(auth ? { auth } : {}),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      socket.close();
      resolve({ message: err.message, ...(err.data ? { data: err.data } : {}) });
    });
  });
}

const expectApiError = (answer: Answer, status: number, code: string) => {
  expect(answer.status).toBe(status);
  expect(ApiErrorSchema.safeParse(answer.body).success, JSON.stringify(answer.body)).toBe(true);
  expect((answer.body as { error: { code: string } }).error.code).toBe(code);
};

describe.each(DB_KINDS)('authorisation on %s', (kind) => {
  let t: TestServer;
  let issuer: TokenIssuer;
  /**
   * Access tokens minted by the server's own issuer and secret, for the HTTP checks: sign-ins from
   * one address are few here (see the rate-limit tests below).
   */
  const tokens: Record<string, string> = {};
  let ann: TestClient; // agent, team t1: holds the conversation
  let ben: TestClient; // agent, team t1: holds nothing of ann's
  let vic: TestClient; // agent, team t1: takes calls
  let lia: TestClient; // lead of t1
  let leo: TestClient; // lead of t2
  let ada: TestClient; // admin
  let conversationId: string;
  let customerId: string;
  let inboundId: string;
  const replyId = crypto.randomUUID();
  const noteId = crypto.randomUUID();
  let callId: string;
  let suggestionId: string;
  let linkedIdentityId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { SWITCHBOARD_TOKEN_SECRET: SECRET });
    issuer = new TokenIssuer(SECRET);
    await t.addAgent({ id: 'ann', name: 'Ann', team: 't1', skills: { social: 3, email: 3 } });
    await t.addAgent({ id: 'ben', name: 'Ben', team: 't1', skills: { social: 3, email: 3 } });
    await t.addAgent({ id: 'vic', name: 'Vic', team: 't1', skills: { voice: 3 } });
    await t.addAgent({ id: 'lia', name: 'Lia', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'leo', name: 'Leo', role: 'lead', team: 't2' });
    await t.addAgent({ id: 'ada', name: 'Ada', role: 'admin', team: null });
    for (const [id, role, team] of [
      ['ben', 'agent', 't1'],
      ['lia', 'lead', 't1'],
      ['ada', 'admin', null],
    ] as const) {
      tokens[id] = (await issuer.issueAccess({ agentId: id, role, teamId: team })).token;
    }

    // Everyone is connected before the conversation arrives, so their pushes are recorded too.
    // Ben is away all along: routing never gives him anything.
    ben = await t.connect('ben');
    expect((await ben.op('presence.set', { presence: 'away' })).status).toBe('applied');
    lia = await t.connect('lia');
    leo = await t.connect('leo');
    ada = await t.connect('ada');
    vic = await t.connect('vic');
    ann = await t.connect('ann');
    for (const client of [ann, vic])
      expect((await client.op('presence.set', { presence: 'available' })).status).toBe('applied');
    await t.settle();

    const dm = await t.ingest({
      channel: 'x_dm',
      text: 'where is my bag',
      author: { kind: 'x_handle', value: '@ann_customer' },
    });
    conversationId = dm.body.conversationId as string;
    inboundId = dm.body.messageId as string;
    const row = await t.conversation(conversationId);
    expect(row).toMatchObject({ status: 'assigned', assigned_agent_id: 'ann' });
    customerId = row.customer_id as string;
    expect(
      await ann.op('conversation.reply', {
        conversationId,
        messageId: replyId,
        body: 'Looking into it',
        visibility: 'private',
      }),
    ).toMatchObject({ status: 'applied' });
    expect(
      await ann.op('conversation.note', { conversationId, messageId: noteId, body: 'VIP, bag in Lisbon' }),
    ).toMatchObject({ status: 'applied' });

    const call = await t.ingest({
      channel: 'voice',
      kind: 'transcript',
      speaker: 'customer',
      text: 'Hello, calling about my flight',
      author: { kind: 'phone', value: '+14155550123' },
    });
    callId = call.body.conversationId as string;
    expect(await t.conversation(callId)).toMatchObject({ status: 'offered', assigned_agent_id: 'vic' });

    // Two customers of ann's, one naming the other's email: a link suggestion ben has no part in.
    await t.ingest({
      channel: 'email',
      text: 'my bag is lost',
      author: { kind: 'email', value: 'zoe@customer.example' },
    });
    await t.ingest({
      channel: 'x_dm',
      text: 'my email is zoe@customer.example',
      author: { kind: 'x_handle', value: '@zoe_travels' },
    });
    const { rows } = await t.db.query<{ id: string; customer_id: string }>(
      "select id, customer_id from identity_suggestions where status = 'pending'",
    );
    expect(rows).toHaveLength(1);
    suggestionId = rows[0]!.id;
    const { rows: identities } = await t.db.query<{ id: string }>(
      "select id from identities where value = 'zoe@customer.example'",
    );
    linkedIdentityId = identities[0]!.id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** What the database holds of ann's conversation: anything an op could change. */
  const footprint = async () => {
    const conversation = await t.conversation(conversationId);
    const count = async (sql: string) => (await t.db.query<{ n: number }>(sql, [conversationId])).rows[0]!.n;
    const { rows } = await t.db.query<{ last_agent_id: string | null }>(
      'select last_agent_id from customers where id = $1',
      [customerId],
    );
    return {
      status: conversation.status,
      assignee: conversation.assigned_agent_id,
      version: conversation.version,
      skills: conversation.skills,
      messages: await count('select count(*)::int as n from messages where conversation_id = $1'),
      dispositions: await count('select count(*)::int as n from dispositions where conversation_id = $1'),
      lastAgent: rows[0]!.last_agent_id,
    };
  };

  /** Every change that concerns ann's conversation, by id or by the conversation it belongs to. */
  const aboutTheConversation = (changes: readonly Change[]) =>
    changes.filter(
      (c) =>
        [conversationId, inboundId, replyId, noteId, customerId].includes(c.id) ||
        c.data?.conversationId === conversationId,
    );
  const pushed = (client: TestClient) => client.pushes.flatMap((p) => p.changes);

  describe('acting on another agent’s conversation', () => {
    const forbiddenOps: [string, string, () => Record<string, unknown>][] = [
      [
        'reply',
        'conversation.reply',
        () => ({ conversationId, messageId: crypto.randomUUID(), body: 'hijacked', visibility: 'public' }),
      ],
      ['note', 'conversation.note', () => ({ conversationId, messageId: crypto.randomUUID(), body: 'not mine' })],
      [
        'transfer to a queue',
        'conversation.transfer',
        () => ({ conversationId, to: { kind: 'queue', skill: 'refunds' }, note: 'taking it away' }),
      ],
      [
        'transfer to themself',
        'conversation.transfer',
        () => ({ conversationId, to: { kind: 'agent', agentId: 'ben' } }),
      ],
      [
        'wrap-up',
        'conversation.wrap_up',
        () => ({ conversationId, disposition: 'resolved_first_contact', notes: 'done' }),
      ],
      ['resolve', 'conversation.resolve', () => ({ conversationId })],
    ];

    it.each(forbiddenOps)(
      'an agent’s %s on another agent’s conversation is rejected not_assignee and changes nothing',
      async (_label, type, payload) => {
        const before = await footprint();
        const result = await ben.op(type, payload());
        expect(result).toMatchObject({
          status: 'rejected',
          reason: 'not_assignee',
          detail: 'This conversation is now with Ann.',
        });
        expect(await footprint()).toEqual(before);
      },
    );

    it('a rejected op of an agent on another agent’s conversation stays rejected when resent', async () => {
      const op = ben.makeOp('conversation.resolve', { conversationId });
      const [first] = await ben.send([op]);
      const [again] = await ben.send([op]);
      expect(first).toMatchObject({ status: 'rejected', reason: 'not_assignee' });
      expect(again).toMatchObject({
        status: 'already_processed',
        original: { status: 'rejected', reason: 'not_assignee' },
      });
      expect((await footprint()).status).toBe('assigned');
    });

    it('an agent cannot accept or decline a call offered to another agent', async () => {
      const accept = await ben.op('offer.accept', { conversationId: callId });
      expect(['already_assigned', 'not_offered_to_you']).toContain(accept.reason);
      expect(accept.status).toBe('rejected');
      const decline = await ben.op('offer.decline', { conversationId: callId });
      expect(decline.status).toBe('rejected');
      expect(await t.conversation(callId)).toMatchObject({ status: 'offered', assigned_agent_id: 'vic' });
      const { rows } = await t.db.query<{ agent_id: string; status: string }>(
        'select agent_id, status from offers where conversation_id = $1',
        [callId],
      );
      expect(rows).toEqual([{ agent_id: 'vic', status: 'pending' }]);
    });

    it('an agent cannot confirm, refuse or split identities of customers they hold no conversation with', async () => {
      const results: OpResult[] = [
        await ben.op('customer.link', { suggestionId }),
        await ben.op('customer.refuse_link', { suggestionId }),
        await ben.op('customer.unlink', { identityId: linkedIdentityId }),
      ];
      for (const result of results) expect(result).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      const { rows } = await t.db.query<{ status: string }>('select status from identity_suggestions where id = $1', [
        suggestionId,
      ]);
      expect(rows[0]!.status).toBe('pending');
      const { rows: events } = await t.db.query<{ n: number }>('select count(*)::int as n from identity_events');
      expect(events[0]!.n).toBe(0);
      const { rows: merged } = await t.db.query<{ n: number }>(
        'select count(*)::int as n from customers where merged_into is not null',
      );
      expect(merged[0]!.n).toBe(0);
    });

    it('an op carrying another client’s id is refused before any rule runs', async () => {
      const [result] = await ben.send([
        { ...ben.makeOp('conversation.resolve', { conversationId }), clientId: ann.clientId },
      ]);
      ben.seq -= 1; // refused before numbering: the seq stays free
      expect(result).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      expect((await footprint()).status).toBe('assigned');
    });
  });

  describe('reading conversations', () => {
    it('an agent’s pull holds no change for another agent’s conversation, its messages or its customer', async () => {
      const changes = await ben.pullAll();
      expect(changes.some((c) => c.entity === 'agent' && c.id === 'ben')).toBe(true); // their own presence
      expect(aboutTheConversation(changes)).toEqual([]);
      expect(changes.filter((c) => c.entity === 'message')).toEqual([]);
      expect(changes.some((c) => c.id === callId)).toBe(false);
    });

    it('an agent was never pushed a change for another agent’s conversation', () => {
      expect(aboutTheConversation(pushed(ben))).toEqual([]);
      expect(pushed(ben).filter((c) => c.entity === 'message' || c.entity === 'customer')).toEqual([]);
    });

    it('the agent holding the conversation sees it with every message', async () => {
      const seen = new Set(aboutTheConversation(await ann.pullAll()).map((c) => c.id));
      for (const id of [conversationId, inboundId, replyId, noteId, customerId]) expect(seen).toContain(id);
    });

    it('a lead sees their team’s agent’s conversation with every message, internal notes included', async () => {
      const changes = aboutTheConversation(await lia.pullAll());
      const ids = new Set(changes.map((c) => c.id));
      for (const id of [conversationId, inboundId, replyId, noteId, customerId]) expect(ids).toContain(id);
      const latest = changes.filter((c) => c.id === conversationId).at(-1)!;
      expect(latest.data).toMatchObject({ assignedAgentId: 'ann', status: 'assigned' });
      expect(new Set(aboutTheConversation(pushed(lia)).map((c) => c.id))).toContain(noteId);
    });

    it('a lead of another team never sees a conversation an agent took as it arrived, nor anything written after', async () => {
      for (const changes of [await leo.pullAll(), pushed(leo)]) {
        // Ann was available when the message came in, so it was never queued: other teams' leads
        // (who see queued work) never had it.
        const ids = aboutTheConversation(changes).map((c) => c.id);
        expect(ids).not.toContain(conversationId);
        expect(ids).not.toContain(replyId);
        expect(ids).not.toContain(noteId);
      }
      // Ann's own lead sees it.
      expect((await lia.pullAll()).map((c) => c.id)).toContain(conversationId);
    });

    it('an admin sees every conversation, message and customer', async () => {
      const changes = await ada.pullAll();
      const ids = new Set(changes.map((c) => c.id));
      for (const id of [conversationId, inboundId, replyId, noteId, customerId, callId, suggestionId])
        expect(ids).toContain(id);
      const { rows } = await t.db.query<{ id: string }>('select id from messages');
      for (const { id } of rows) expect(ids).toContain(id);
      expect(new Set(pushed(ada).map((c) => c.id))).toContain(noteId);
    });
  });

  describe('a lead acting on their agent’s conversation', () => {
    it('a lead can add an internal note to an agent’s conversation, and the agent receives it', async () => {
      const messageId = crypto.randomUUID();
      expect(await lia.op('conversation.note', { conversationId, messageId, body: 'Offer a voucher' })).toMatchObject({
        status: 'applied',
      });
      const { rows } = await t.db.query<{ direction: string; author_agent_id: string }>(
        'select direction, author_agent_id from messages where id = $1',
        [messageId],
      );
      expect(rows[0]).toEqual({ direction: 'note', author_agent_id: 'lia' });
      await expect.poll(() => pushed(ann).some((c) => c.id === messageId)).toBe(true);
    });

    it('a lead can transfer an agent’s conversation; the agent loses it and can no longer reply', async () => {
      const { version } = await footprint();
      const result = await lia.op(
        'conversation.transfer',
        { conversationId, to: { kind: 'agent', agentId: 'vic' } },
        { baseVersion: version },
      );
      expect(result).toMatchObject({ status: 'applied' });
      expect(await footprint()).toMatchObject({ assignee: 'vic', status: 'assigned' });
      const annSees = (await ann.pullAll()).filter((c) => c.id === conversationId);
      expect(annSees.at(-1)!.data).toBeNull();
      const late = await ann.op('conversation.reply', {
        conversationId,
        messageId: crypto.randomUUID(),
        body: 'still here',
        visibility: 'private',
      });
      expect(late).toMatchObject({
        status: 'rejected',
        reason: 'not_assignee',
        detail: 'This conversation is now with Vic.',
      });
    });
  });

  describe('lead and admin HTTP surfaces', () => {
    const paths = ['/api/queue', '/api/agents', '/api/listening-rules'];
    const refused: [string, () => Promise<string | undefined>, string][] = [
      ['no token', () => Promise.resolve(undefined), 'unauthorized'],
      ['a garbage token', () => Promise.resolve('not.a.jwt'), 'unauthorized'],
      [
        'an admin token signed with another secret',
        () => signToken(OTHER_SECRET, { sub: 'ada', role: 'admin' }),
        'unauthorized',
      ],
      [
        'an unsigned (alg none) admin token',
        () =>
          Promise.resolve(
            new UnsecuredJWT({ role: 'admin' })
              .setSubject('ada')
              .setIssuer('switchboard')
              .setExpirationTime('1h')
              .encode(),
          ),
        'unauthorized',
      ],
      ['an expired admin token', () => signToken(SECRET, { sub: 'ada', role: 'admin' }, -120), 'token_expired'],
    ];
    const auth = (token: string | undefined): Record<string, string> =>
      token === undefined ? {} : { authorization: `Bearer ${token}` };

    describe.each(paths)('GET %s', (path) => {
      it.each(refused)('answers 401 to %s', async (_label, token, code) => {
        expectApiError(await call(`${t.url}${path}`, { headers: auth(await token()) }), 401, code);
      });

      it('answers 403 to an agent', async () => {
        expectApiError(await call(`${t.url}${path}`, { headers: auth(tokens.ben) }), 403, 'forbidden');
      });

      it.each(['lia', 'ada'])('answers 200 to %s (lead, admin)', async (who) => {
        expect((await call(`${t.url}${path}`, { headers: auth(tokens[who]) })).status).toBe(200);
      });
    });

    it('the floor lists agents without their password hashes', async () => {
      const answer = await call(`${t.url}/api/agents`, { headers: auth(tokens.lia) });
      expect(JSON.stringify(answer.body)).not.toMatch(/scrypt|password/i);
    });

    const rule = { name: 'Brand watch', query: '"acme air" AND (lost OR delayed)', skills: ['social'] };

    it.each([
      ['without a token', undefined, 401],
      ['for an agent', 'ben', 403],
      ['for a lead', 'lia', 403],
    ] as const)('POST /api/listening-rules is refused %s and stores nothing', async (_label, who, status) => {
      const answer = await call(`${t.url}/api/listening-rules`, json(rule, auth(who ? tokens[who] : undefined)));
      expect(answer.status).toBe(status);
      expect(ApiErrorSchema.safeParse(answer.body).success).toBe(true);
      const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from listening_rules');
      expect(rows[0]!.n).toBe(0);
    });

    it('POST /api/listening-rules creates a rule for an admin (201)', async () => {
      const answer = await call(`${t.url}/api/listening-rules`, json(rule, auth(tokens.ada)));
      expect(answer.status).toBe(201);
      const { id } = answer.body as { id: string };
      const list = await call(`${t.url}/api/listening-rules`, { headers: auth(tokens.lia) });
      expect((list.body as { rules: { id: string; name: string }[] }).rules).toContainEqual(
        expect.objectContaining({ id, name: 'Brand watch' }),
      );
    });

    it('POST /api/listening-rules answers 400 with the reason to an unparseable query', async () => {
      const answer = await call(
        `${t.url}/api/listening-rules`,
        json({ name: 'Broken', query: '(broken AND' }, auth(tokens.ada)),
      );
      expectApiError(answer, 400, 'invalid_query');
      expect((answer.body as { error: { message: string } }).error.message).toMatch(/^The query does not parse: .+/);
      const { rows } = await t.db.query<{ n: number }>(
        "select count(*)::int as n from listening_rules where name = 'Broken'",
      );
      expect(rows[0]!.n).toBe(0);
    });
  });

  describe('ingestion key', () => {
    const interaction = () => ({
      provider: 'test',
      providerMessageId: crypto.randomUUID(),
      channel: 'x_dm',
      threadKey: crypto.randomUUID(),
      author: { kind: 'x_handle', value: '@intruder' },
      text: 'let me in',
      occurredAt: new Date().toISOString(),
    });
    const wrongKey = 'x'.repeat(TEST_INGEST_KEY.length);

    it.each([
      ['without a key', (): Record<string, string> => ({})],
      ['with a wrong key of the same length', () => ({ authorization: `Bearer ${wrongKey}` })],
      ['with a wrong key of another length', () => ({ authorization: `Bearer ${TEST_INGEST_KEY}-and-more` })],
      ['with the key in another scheme', () => ({ authorization: `Basic ${TEST_INGEST_KEY}` })],
      ['with the key but no scheme', () => ({ authorization: TEST_INGEST_KEY })],
      ['with an admin’s access token', () => ({ authorization: `Bearer ${tokens.ada}` })],
    ] as const)('POST /api/ingest answers 401 %s and stores nothing', async (_label, headers) => {
      const count = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from messages')).rows[0]!.n;
      const before = await count();
      expectApiError(await call(`${t.url}/api/ingest`, json(interaction(), headers())), 401, 'unauthorized');
      expect(await count()).toBe(before);
    });

    it('POST /api/ingest with the right key stores the interaction', async () => {
      const answer = await call(
        `${t.url}/api/ingest`,
        json(interaction(), { authorization: `Bearer ${TEST_INGEST_KEY}` }),
      );
      expect(answer.status).toBe(200);
      await t.settle();
    });
  });

  describe('socket handshake', () => {
    it.each([
      ['no auth', () => Promise.resolve(undefined), 'unauthorized'],
      ['an empty auth object', () => Promise.resolve({}), 'unauthorized'],
      ['a garbage token', async () => ({ token: 'garbage', clientId: crypto.randomUUID() }), 'unauthorized'],
      [
        'a token signed with another secret',
        async () => ({
          token: await signToken(OTHER_SECRET, { sub: 'ada', role: 'admin' }),
          clientId: crypto.randomUUID(),
        }),
        'unauthorized',
      ],
      [
        'an unsigned (alg none) token',
        async () => ({
          token: new UnsecuredJWT({ role: 'admin' })
            .setSubject('ada')
            .setIssuer('switchboard')
            .setExpirationTime('1h')
            .encode(),
          clientId: crypto.randomUUID(),
        }),
        'unauthorized',
      ],
      [
        'a token with an unknown role',
        async () => ({ token: await signToken(SECRET, { sub: 'ada', role: 'root' }), clientId: crypto.randomUUID() }),
        'unauthorized',
      ],
      [
        'an expired token',
        async () => ({
          token: await signToken(SECRET, { sub: 'ben', role: 'agent', team: 't1' }, -120),
          clientId: crypto.randomUUID(),
        }),
        'token_expired',
      ],
      [
        'a valid token and a clientId that is not a UUID',
        async () => ({ token: tokens.ben, clientId: 'device-1' }),
        'unauthorized',
      ],
      ['a valid token and no clientId', async () => ({ token: tokens.ben }), 'unauthorized'],
      [
        'a token that is not a string',
        async () => ({ token: { role: 'admin' }, clientId: crypto.randomUUID() }),
        'unauthorized',
      ],
    ] as const)('refuses %s with connect_error', async (_label, auth, code) => {
      const refused = await refusedHandshake(t.url, await auth());
      expect(refused.data?.code).toBe(code);
      expect(refused.data?.message).toEqual(expect.any(String));
    });

    it('accepts a valid token with a UUID clientId', async () => {
      const socket = io(t.url, {
        auth: { token: tokens.ben, clientId: crypto.randomUUID() },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.close();
    });
  });

  describe('sign-in', () => {
    const signIn = (email: string, password: string, from: string) =>
      call(`${t.url}/api/session`, { ...json({ email, password }), from });

    it('a wrong password and an unknown email get the same 401 bad_credentials answer', async () => {
      const wrong = await signIn('ben@test.example', 'not the password', '127.0.0.2');
      const unknown = await signIn('nobody@test.example', TEST_PASSWORD, '127.0.0.2');
      expect(wrong).toEqual({
        status: 401,
        body: { error: { code: 'bad_credentials', message: 'Wrong email or password.' } },
      });
      expect(unknown).toEqual(wrong);
    });

    it('the right password gets a token, the agent and its expiry', async () => {
      const answer = await signIn('BEN@test.example', TEST_PASSWORD, '127.0.0.3');
      expect(answer.status).toBe(200);
      const session = SignInResponseSchema.parse(answer.body);
      expect(session.agent).toEqual({ id: 'ben', name: 'Ben', email: 'ben@test.example', role: 'agent' });
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    });

    it('the 11th attempt within a minute for one account is refused with 429 rate_limited, even with the right password', async () => {
      for (let i = 1; i <= 10; i++)
        expect((await signIn('vic@test.example', `guess ${i}`, '127.0.0.4')).status, `attempt ${i}`).toBe(401);
      const eleventh = await signIn('vic@test.example', TEST_PASSWORD, '127.0.0.4');
      expect(eleventh.status).toBe(429);
      expect(eleventh.body).toMatchObject({ error: { code: 'rate_limited' } });
    });

    // A contact center signs everyone in from one NAT address: the limit is per account.
    it('another account from the same address still signs in while one account is throttled', async () => {
      for (let i = 1; i <= 11; i++) await signIn('lia@test.example', `guess ${i}`, '127.0.0.5');
      expect((await signIn('lia@test.example', TEST_PASSWORD, '127.0.0.5')).status).toBe(429);
      expect((await signIn('leo@test.example', TEST_PASSWORD, '127.0.0.5')).status).toBe(200);
    });

    it('a throttled sign-in says when to try again', async () => {
      for (let i = 1; i <= 10; i++) await signIn('ada@test.example', `guess ${i}`, '127.0.0.6');
      const answer = await signIn('ada@test.example', TEST_PASSWORD, '127.0.0.6');
      expect(answer.status).toBe(429);
      const { error } = answer.body as { error: { code: string; message?: string } };
      expect(error.code).toBe('rate_limited');
      expect(error.message).toMatch(/wait \d+ s/);
    });
  });
});
