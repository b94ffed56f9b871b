import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiErrorSchema } from '../../shared/api';
import { ChannelSchema, DISPOSITIONS, IdentityKindSchema, PresenceSchema } from '../../shared/domain';
import { IngestResponseSchema, InteractionSchema } from '../../shared/ingest';
import {
  OpResultSchema,
  PullRequestSchema,
  PullResponseSchema,
  SocketErrorSchema,
  ViewingSchema,
  opTypes,
} from '../../shared/protocol';
import { TokenIssuer } from '../auth/tokens';
import { TEST_INGEST_KEY, TestClient, startTestServer, type TestServer } from '../testing/testServer';

/**
 * Property-based fuzzing of the two doors hostile input comes through (DESIGN.md, Security
 * model: "every socket event and webhook is parsed by a schema"; "nothing a provider sends
 * yields a 5xx or takes the server down"): the sync socket's `ops` and `pull` events, and
 * POST /api/ingest.
 *
 * PGlite only: these properties exercise parsing, authorisation and error answers, not storage;
 * the integration tests run the storage paths on both databases, and one in-process server keeps
 * the ~4,000 runs within the time budget. fast-check prints the seed and the shrunk counterexample
 * of a failure; replay it with `{ seed, path }` in the fc.assert options.
 */

const SECRET = 'fuzz-test-secret-0123456789-0123456789-abc';

/**
 * U+0000 is valid in JSON and in the schemas but not in PostgreSQL text or jsonb: it turns a
 * valid op into an infrastructure error and a valid interaction into a 500. Reported as a bug
 * (see the skipped tests at the end); until it is fixed the generators below leave it out.
 */
const noNul = (s: string) => s.replaceAll('\u0000', '');
const text = (maxLength: number, minLength = 0) =>
  fc
    .string({ unit: 'binary', minLength, maxLength })
    .map(noNul)
    .filter((s) => s.length >= minLength);

/** An ISO timestamp with an offset, between 2000 and 2100 (see the skipped tests for years outside 1–9999). */
const isoTimestamp = fc
  .tuple(
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: -12 * 60, max: 14 * 60 }),
  )
  .map(([date, offsetMinutes]) => {
    if (offsetMinutes === 0) return date.toISOString();
    const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
    const abs = Math.abs(offsetMinutes);
    return `${local}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  });

/** Anything socket.io can carry: JSON values, binary, and oddities it serialises its own way. */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 6, stringUnit: 'binary', key: text(12) }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(null, undefined, 0, -1, 1.5, Number.NaN, Infinity, '', 'ops', true, [], {}),
  fc.string({ unit: 'binary', maxLength: 64 }),
);

/** A batch value sent as is. */
const raw = (value: unknown) => ({ kind: 'raw' as const, value });

/** What the server receives for a value emitted over socket.io: JSON, except binary. */
const roundTrip = (value: unknown): unknown =>
  value instanceof Uint8Array ? value : (JSON.parse(JSON.stringify([value]) ?? '[null]') as unknown[])[0];

interface Fixture {
  t: TestServer;
  client: TestClient;
  admin: TestClient;
  conversationIds: string[];
  clientId: string;
  issuer: TokenIssuer;
}

/** The next seq the server expects from a client, read back after each batch (rejections may or may not use one). */
async function lastSeq(t: TestServer, clientId: string): Promise<number> {
  const { rows } = await t.db.query<{ last_seq: number }>('select last_seq from sync_clients where client_id = $1', [
    clientId,
  ]);
  return rows[0]?.last_seq ?? 0;
}

describe('fuzzing the sync socket and ingestion (PGlite)', () => {
  const f = {} as Fixture;

  beforeAll(async () => {
    f.t = await startTestServer('pglite', { SWITCHBOARD_TOKEN_SECRET: SECRET });
    f.issuer = new TokenIssuer(SECRET);
    await f.t.addAgent({ id: 'fuzzer', name: 'Fuzzer', team: 't1' });
    await f.t.addAgent({ id: 'bystander', name: 'Bystander', team: 't1' });
    await f.t.addAgent({ id: 'boss', name: 'Boss', role: 'admin', team: null });
    f.client = await f.t.connect('fuzzer');
    f.clientId = f.client.clientId;
    f.admin = await f.t.connect('boss');
    await f.client.op('presence.set', { presence: 'available' });
    await f.t.settle();
    f.conversationIds = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await f.t.ingest({
        channel: i === 2 ? 'email' : 'x_dm',
        text: `help ${i}`,
        ...(i === 2 ? { author: { kind: 'email', value: 'c@x.example' } } : {}),
      });
      f.conversationIds.push(body.conversationId as string);
    }
    f.client.seq = await lastSeq(f.t, f.clientId);
  }, 60_000);

  afterAll(async () => {
    await f.t?.close();
  });

  const healthy = async () => {
    const response = await fetch(`${f.t.url}/healthz`);
    expect(response.status).toBe(200);
  };

  // --- (a) the sync socket ---------------------------------------------------------------

  const conversationArb = fc.constantFrom(0, 1, 2).map((i) => f.conversationIds[i]!);
  /** An id field: a real conversation, a stranger's, a UUID, or any string. */
  const someId = () =>
    fc.oneof(
      conversationArb,
      fc.uuid(),
      text(220),
      fc.constantFrom('', ' ', "'; drop table conversations; --", '../../etc/passwd', 'fuzzer'),
      anyValue,
    );
  const presencePayload = fc.record({
    presence: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PresenceSchema.options) },
      fc.constantFrom('invisible', 'AVAILABLE', ''),
      anyValue,
    ),
  });
  const idPayload = fc.record({ conversationId: someId() });
  const replyPayload = fc.record(
    {
      conversationId: someId(),
      messageId: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, text(40)),
      body: fc.oneof({ weight: 4, arbitrary: text(200, 1) }, text(30_000), anyValue),
      visibility: fc.constantFrom('public', 'private', 'private', 'secret'),
      templateId: text(20),
    },
    { requiredKeys: ['conversationId', 'messageId', 'body'] },
  );
  const notePayload = fc.record(
    {
      conversationId: someId(),
      messageId: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, text(40)),
      body: fc.oneof(text(200), anyValue),
    },
    { requiredKeys: ['conversationId', 'messageId'] },
  );
  const transferPayload = fc.record(
    {
      conversationId: someId(),
      to: fc.oneof(
        fc.record({ kind: fc.constant('queue'), skill: fc.oneof(text(70, 1), fc.constantFrom('social', 'refunds')) }),
        fc.record({
          kind: fc.constant('agent'),
          agentId: fc.oneof(fc.constantFrom('fuzzer', 'bystander', 'boss', 'ghost'), text(20)),
        }),
        anyValue,
      ),
      note: fc.oneof(text(100), text(2100)),
    },
    { requiredKeys: ['conversationId', 'to'] },
  );
  const dispositionCode = fc.constantFrom(...DISPOSITIONS.map((d) => d.code));
  const wrapUpPayload = fc.record(
    { conversationId: someId(), disposition: fc.oneof(dispositionCode, text(70), anyValue), notes: text(100) },
    { requiredKeys: ['conversationId'] },
  );
  const escalatePayload = fc.record(
    {
      conversationId: someId(),
      department: fc.oneof(fc.constantFrom('social', 'refunds', 'email'), text(70), anyValue),
      note: fc.oneof({ weight: 4, arbitrary: text(200, 1) }, text(30), anyValue),
    },
    { requiredKeys: ['conversationId', 'department'] },
  );
  const suggestionPayload = fc.record({ suggestionId: someId() });
  const identityPayload = fc.record({ identityId: someId() });
  /** Any payload at all, for a type it does not belong to. */
  const payloadArb = fc.oneof(
    presencePayload,
    idPayload,
    replyPayload,
    transferPayload,
    escalatePayload,
    wrapUpPayload,
    suggestionPayload,
    identityPayload,
    fc.dictionary(text(12), anyValue, { maxKeys: 4 }),
    anyValue,
  );
  const anyType = fc.oneof(
    fc.constantFrom(...opTypes),
    fc.constantFrom('conversation.delete', 'presence.sett', '__proto__', 'constructor', ''),
    text(30),
    anyValue,
  );
  /** Mostly a type with a payload of (roughly) its shape, so ops reach their rules; sometimes a mismatch. */
  const typedPayload = fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: fc.constant('presence.set'), payload: presencePayload }) },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constantFrom('offer.accept', 'offer.decline', 'conversation.resolve'),
        payload: idPayload,
      }),
    },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('conversation.reply'), payload: replyPayload }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('conversation.note'), payload: notePayload }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('conversation.transfer'), payload: transferPayload }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('conversation.escalate'), payload: escalatePayload }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('conversation.wrap_up'), payload: wrapUpPayload }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constantFrom('customer.link', 'customer.refuse_link'),
        payload: suggestionPayload,
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('customer.unlink'), payload: identityPayload }) },
    { weight: 5, arbitrary: fc.record({ type: anyType, payload: payloadArb }, { requiredKeys: [] }) },
  );
  /** `next` is replaced by the client's next seq when the batch is sent, so most ops reach their rule. */
  const seqArb = fc.oneof(
    { weight: 6, arbitrary: fc.constant('next' as const) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom(1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -0),
        text(5),
        anyValue,
      ),
    },
  );
  const opArb = fc
    .tuple(
      fc.record(
        {
          opId: fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: anyValue }),
          clientId: fc.oneof(
            { weight: 8, arbitrary: fc.constant('mine') },
            { weight: 1, arbitrary: fc.oneof(fc.uuid(), anyValue) },
          ),
          seq: seqArb,
          createdAt: fc.oneof(
            { weight: 6, arbitrary: isoTimestamp },
            {
              weight: 1,
              arbitrary: fc.oneof(
                text(30),
                fc.constantFrom('2024-02-30T00:00:00Z', 'yesterday', '2024-01-01'),
                anyValue,
              ),
            },
          ),
        },
        { requiredKeys: ['opId', 'clientId', 'seq', 'createdAt'] },
      ),
      typedPayload,
      fc.oneof(
        { weight: 4, arbitrary: fc.constant({}) },
        fc.record({ baseVersion: fc.oneof(fc.nat({ max: 10 }), fc.integer(), anyValue) }),
        fc.dictionary(text(12), anyValue, { maxKeys: 2 }),
      ),
    )
    .map(([envelope, typed, extra]): Record<string, unknown> => ({ ...extra, ...envelope, ...typed }));
  /** Fills `next` seqs and `mine` client ids in at send time. */
  const materialise = (ops: Record<string, unknown>[]) =>
    ops.map((op) => ({
      ...op,
      seq: op.seq === 'next' ? ++f.client.seq : op.seq,
      clientId: op.clientId === 'mine' ? f.clientId : op.clientId,
    }));

  const batchArb = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(opArb, { minLength: 1, maxLength: 8 }).map((ops) => ({ kind: 'ops' as const, ops })),
    },
    {
      weight: 2,
      arbitrary: fc.array(anyValue, { minLength: 1, maxLength: 10 }).map(raw),
    },
    { weight: 2, arbitrary: anyValue.map(raw) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, 501, 1000).map((n) => raw(Array.from({ length: n }, () => ({ opId: 'x' })))),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 100_000, max: 600_000 }).map((n) => raw('x'.repeat(n))),
    },
  );

  /** The `ops` ack contract: one result per op, in order, or an error for a batch that is not 1–500 ops. */
  const checkOpsAnswer = (sent: unknown, answer: unknown) => {
    const roundTripped = roundTrip(sent);
    if (!Array.isArray(roundTripped) || roundTripped.length < 1 || roundTripped.length > 500) {
      expect(SocketErrorSchema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
      expect((answer as { error: { code: string } }).error.code).toBe('invalid_batch');
      return;
    }
    const results = z.array(OpResultSchema).safeParse(answer);
    expect(results.success, JSON.stringify(answer)).toBe(true);
    expect(results.data, 'one result per op: an op that parses is never left unanswered').toHaveLength(
      roundTripped.length,
    );
    results.data!.forEach((result, i) => {
      if (result.status === 'rejected') expect(result.reason).toBeDefined();
      if (result.status === 'out_of_order') expect(result.expected).toEqual(expect.any(Number));
      const opId = (roundTripped[i] as { opId?: unknown } | null)?.opId;
      if (typeof opId === 'string') expect(result.opId).toBe(opId);
    });
  };

  it(
    'every ops event gets a well-formed answer: one result per op, or invalid_batch',
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(batchArb, fc.boolean(), async (batch, withAck) => {
          const sent = batch.kind === 'ops' ? materialise(batch.ops) : batch.value;
          if (!withAck) {
            f.client.socket.emit('ops', sent);
          } else {
            const answer: unknown = await f.client.socket.timeout(10_000).emitWithAck('ops', sent);
            checkOpsAnswer(sent, answer);
          }
          f.client.seq = await lastSeq(f.t, f.clientId);
          expect(f.client.socket.connected).toBe(true);
        }),
        { numRuns: 700 },
      );
      await healthy();
    },
  );

  it(
    'ops that parse but break business rules are rejected with a reason, never thrown',
    { timeout: 60_000 },
    async () => {
      // Only well-formed envelopes and payloads here: every op reaches its rule.
      const validOp = fc.oneof(
        fc.record({
          type: fc.constant('presence.set'),
          payload: fc.record({ presence: fc.constantFrom(...PresenceSchema.options) }),
        }),
        fc.record({
          type: fc.constantFrom('offer.accept', 'offer.decline', 'conversation.resolve'),
          payload: fc.record({
            conversationId: someId().filter((s) => typeof s === 'string' && s.length >= 1 && s.length <= 200),
          }),
        }),
        fc.record({
          type: fc.constant('conversation.reply'),
          payload: fc.record(
            {
              conversationId: conversationArb,
              messageId: fc.uuid(),
              body: text(300, 1),
              visibility: fc.constantFrom('public', 'private'),
            },
            { requiredKeys: ['conversationId', 'messageId', 'body', 'visibility'] },
          ),
        }),
        fc.record({
          type: fc.constant('conversation.note'),
          payload: fc.record({
            conversationId: fc.oneof(fc.uuid(), conversationArb),
            messageId: fc.uuid(),
            body: text(300, 1),
          }),
        }),
        fc.record({
          type: fc.constant('conversation.transfer'),
          payload: fc.record({
            conversationId: conversationArb,
            to: fc.oneof(
              fc.record({ kind: fc.constant('queue'), skill: fc.constantFrom('social', 'email', 'refunds') }),
              fc.record({
                kind: fc.constant('agent'),
                agentId: fc.constantFrom('fuzzer', 'bystander', 'boss', 'ghost'),
              }),
            ),
          }),
        }),
        fc.record({
          type: fc.constant('conversation.escalate'),
          payload: fc.record({
            conversationId: conversationArb,
            department: fc.oneof(fc.constantFrom('social', 'email', 'refunds'), text(64, 1)),
            note: text(300, 1),
          }),
        }),
        fc.record({
          type: fc.constant('conversation.wrap_up'),
          payload: fc.record({ conversationId: conversationArb, disposition: dispositionCode }),
        }),
        fc.record({
          type: fc.constantFrom('customer.link', 'customer.refuse_link'),
          payload: fc.record({ suggestionId: text(200, 1) }),
        }),
        fc.record({ type: fc.constant('customer.unlink'), payload: fc.record({ identityId: text(200, 1) }) }),
      );
      const versionArb = fc.option(fc.nat({ max: 20 }), { nil: undefined });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(validOp, versionArb, isoTimestamp), { minLength: 1, maxLength: 6 }),
          async (ops) => {
            const batch = ops.map(([{ type, payload }, baseVersion, createdAt]) =>
              f.client.makeOp(type, payload as Record<string, unknown>, {
                createdAt,
                ...(baseVersion === undefined ? {} : { baseVersion }),
              }),
            );
            const results = await f.client.send(batch);
            expect(results.map((r) => r.opId)).toEqual(batch.map((op) => op.opId));
            for (const result of results) {
              expect(['applied', 'rejected']).toContain(result.status);
              if (result.status === 'rejected') expect(result.reason).not.toBe('invalid_op');
            }
            f.client.seq = await lastSeq(f.t, f.clientId);
          },
        ),
        { numRuns: 250 },
      );
      await healthy();
    },
  );

  /** Any pull request: a pull response when it parses, invalid_pull otherwise. */
  const pullArb = fc.oneof(
    fc.record(
      { cursor: fc.nat({ max: 1_000_000 }), limit: fc.integer({ min: 1, max: 5000 }) },
      { requiredKeys: ['cursor'] },
    ),
    fc.record(
      {
        cursor: fc.oneof(
          fc.integer(),
          fc.double(),
          fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e300),
          text(10),
          anyValue,
        ),
        limit: fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double(), text(5), anyValue),
        extra: anyValue,
      },
      { requiredKeys: [] },
    ),
    anyValue,
  );

  it('every pull gets changes, reset_required, or invalid_pull', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(pullArb, fc.boolean(), async (request, withAck) => {
        if (!withAck) {
          f.client.socket.emit('pull', request);
          return;
        }
        const answer: unknown = await f.client.socket.timeout(10_000).emitWithAck('pull', request);
        const received = roundTrip(request);
        if (PullRequestSchema.safeParse(received).success) {
          expect(PullResponseSchema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
        } else {
          expect(SocketErrorSchema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
          expect((answer as { error: { code: string } }).error.code).toBe('invalid_pull');
        }
      }),
      { numRuns: 400 },
    );
    expect(f.client.socket.connected).toBe(true);
    await healthy();
  });

  it(
    'every viewing event gets { ok: true } or an error answer, and the socket stays up',
    { timeout: 60_000 },
    async () => {
      const viewingArb = fc.oneof(
        fc.record({ conversationId: fc.oneof(conversationArb, fc.constant(null)), typing: fc.boolean() }),
        fc.record(
          {
            conversationId: fc.oneof(someId(), fc.constant(null)),
            typing: fc.oneof(fc.boolean(), anyValue),
            extra: anyValue,
          },
          { requiredKeys: [] },
        ),
        anyValue,
      );
      await fc.assert(
        fc.asyncProperty(viewingArb, fc.boolean(), async (viewing, withAck) => {
          if (!withAck) {
            f.client.socket.emit('viewing', viewing);
            return;
          }
          const answer: unknown = await f.client.socket.timeout(10_000).emitWithAck('viewing', viewing);
          if (ViewingSchema.safeParse(roundTrip(viewing)).success) {
            if (!('ok' in (answer as object)))
              expect(SocketErrorSchema.safeParse(answer).success, JSON.stringify(answer)).toBe(true);
          } else {
            expect((answer as { error?: { code: string } }).error?.code, JSON.stringify(answer)).toBe(
              'invalid_viewing',
            );
          }
        }),
        { numRuns: 200 },
      );
      expect(f.client.socket.connected).toBe(true);
      await f.client.socket.timeout(10_000).emitWithAck('viewing', { conversationId: null, typing: false });
      await healthy();
    },
  );

  it(
    'unknown events, extra arguments and raw frames are ignored or close only that connection',
    { timeout: 60_000 },
    async () => {
      const token = async () =>
        (await f.issuer.issueAccess({ agentId: 'bystander', role: 'agent', teamId: 't1' })).token;
      let probe: Socket = (await TestClient.connect(f.t.url, await token(), crypto.randomUUID())).socket;
      const frame = fc.oneof(
        text(60),
        fc.constantFrom(
          '2',
          '2[',
          '2["ops"',
          '21["ops",[]]',
          '2["pull",{"cursor":0}]',
          '99',
          '0',
          '1',
          '3',
          '4{}',
          '5',
          '6',
          '2["disconnect"]',
          '2[null]',
          '2[1,2]',
          '2["__proto__",{}]',
          '2/admin,["ops",[]]',
          '451-["ops",{"_placeholder":true,"num":0}]',
        ),
        fc.jsonValue({ maxDepth: 2 }).map((v) => `2${JSON.stringify(['ops', v])}`),
      );
      const eventName = fc.oneof(
        fc.constantFrom(
          'changes',
          'connect_error',
          'error',
          'message',
          'disconnecting',
          'newListener',
          'hasOwnProperty',
          '__proto__',
        ),
        text(20, 1),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            frame.map((raw) => ({ raw })),
            fc.record({ event: eventName, args: fc.array(anyValue, { maxLength: 3 }) }),
          ),
          async (input) => {
            if (!probe.connected) {
              probe.close();
              probe = (await TestClient.connect(f.t.url, await token(), crypto.randomUUID())).socket;
            }
            if ('raw' in input) {
              // Straight into engine.io: the server's socket.io decoder sees exactly these bytes.
              (probe.io.engine as unknown as { write(data: string): void }).write(input.raw);
            } else {
              const reserved = [
                'connect',
                'connect_error',
                'disconnect',
                'disconnecting',
                'newListener',
                'removeListener',
              ];
              if (!reserved.includes(input.event)) probe.emit(input.event, ...input.args);
            }
            // The connection either still answers ops, or the server closed it (a frame it cannot decode).
            try {
              const answer: unknown = await probe
                .timeout('raw' in input ? 1_000 : 5_000)
                .emitWithAck('ops', 'not a batch');
              expect(answer).toMatchObject({ error: { code: 'invalid_batch' } });
            } catch (err) {
              if (!('raw' in input)) throw err;
              probe.close();
            }
          },
        ),
        { numRuns: 200 },
      );
      probe.close();
      await healthy();
    },
  );

  it('an event over the 1 MB limit closes only that connection', { timeout: 30_000 }, async () => {
    const token = (await f.issuer.issueAccess({ agentId: 'bystander', role: 'agent', teamId: 't1' })).token;
    const big = await TestClient.connect(f.t.url, token, crypto.randomUUID());
    const closed = new Promise<string>((resolve) => big.socket.once('disconnect', (reason) => resolve(reason)));
    big.socket.emit('ops', [{ body: 'x'.repeat(1024 * 1024 + 10) }]);
    expect(await closed).toMatch(/transport (close|error)/);
    expect(f.client.socket.connected).toBe(true);
    expect((await f.client.pull(0, 1)) as object).toHaveProperty('cursor');
    await healthy();
  });

  it('after all that, the server is up and well-formed ops still apply', async () => {
    await healthy();
    f.client.seq = await lastSeq(f.t, f.clientId);
    const presence = await f.client.op(
      'presence.set',
      { presence: 'busy' },
      { createdAt: new Date('2200-01-01T00:00:00Z').toISOString() },
    );
    expect(presence.status).toBe('applied');
    const messageId = crypto.randomUUID();
    const note = await f.admin.op('conversation.note', {
      conversationId: f.conversationIds[0],
      messageId,
      body: 'still standing',
    });
    expect(note.status).toBe('applied');
    expect(note.seq).toBeGreaterThan(0);
    const { rows } = await f.t.db.query('select 1 from messages where id = $1', [messageId]);
    expect(rows).toHaveLength(1);
  });

  // --- (b) ingestion ---------------------------------------------------------------------

  const post = async (body: string | Uint8Array, contentType: string | null, key = TEST_INGEST_KEY) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (contentType !== null) headers['content-type'] = contentType;
    const response = await fetch(`${f.t.url}/api/ingest`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const answer = await response.text();
    let parsed: unknown = answer;
    try {
      parsed = JSON.parse(answer);
    } catch {
      // keep the text for the failure message
    }
    return { status: response.status, body: parsed };
  };

  const validInteraction = fc.record(
    {
      provider: text(32, 1),
      providerMessageId: fc.oneof(fc.uuid(), text(512, 1)),
      channel: fc.constantFrom(...ChannelSchema.options),
      threadKey: fc.oneof(fc.uuid(), text(512, 1)),
      kind: fc.constantFrom('message', 'transcript'),
      author: fc.record(
        {
          kind: fc.constantFrom(...IdentityKindSchema.options),
          value: text(320, 1),
          displayName: text(200),
          followers: fc.oneof(fc.nat({ max: 2_000_000 }), fc.constantFrom(10_000_000_000)),
        },
        { requiredKeys: ['kind', 'value'] },
      ),
      text: fc.oneof({ weight: 20, arbitrary: text(500) }, { weight: 1, arbitrary: text(100_000) }),
      subject: text(1000),
      speaker: fc.constantFrom('customer', 'agent', 'system'),
      occurredAt: isoTimestamp,
      // Keys named __proto__ or constructor are refused (400) by fastify's prototype-poisoning guard.
      meta: fc.dictionary(
        text(20).filter((key) => key !== '__proto__' && key !== 'constructor'),
        fc.oneof(text(40), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
        { maxKeys: 5 },
      ),
    },
    { requiredKeys: ['provider', 'providerMessageId', 'channel', 'threadKey', 'author', 'text', 'occurredAt'] },
  );

  /** Near misses: a valid interaction with one field broken, dropped or added. */
  const brokenInteraction = fc
    .tuple(
      validInteraction,
      fc.constantFrom(
        'provider',
        'providerMessageId',
        'channel',
        'threadKey',
        'kind',
        'author',
        'text',
        'subject',
        'speaker',
        'occurredAt',
        'meta',
        'extra',
      ),
      fc.jsonValue({ maxDepth: 2 }),
      fc.boolean(),
    )
    .map(([interaction, field, value, drop]): unknown => {
      const copy: Record<string, unknown> = { ...interaction };
      if (drop) delete copy[field];
      else copy[field] = value;
      return copy;
    });

  const jsonBody = fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 3, arbitrary: brokenInteraction },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, stringUnit: 'binary', key: text(12) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        provider: anyValue,
        providerMessageId: anyValue,
        channel: fc.oneof(fc.constantFrom('sms', 'X_PUBLIC', ''), anyValue),
        threadKey: anyValue,
        author: fc.oneof(fc.record({ kind: anyValue, value: anyValue }), anyValue),
        text: anyValue,
        occurredAt: fc.oneof(fc.constantFrom('2024-02-30T00:00:00Z', 'now', '1700000000'), fc.integer()),
      }),
    },
  );

  const poisoned = (node: unknown): boolean => {
    if (!node || typeof node !== 'object') return false;
    const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
    if (own(node, '__proto__')) return true;
    const ctor = (node as { constructor?: unknown }).constructor;
    if (own(node, 'constructor') && ctor !== null && typeof ctor === 'object' && own(ctor, 'prototype')) return true;
    return Object.values(node).some(poisoned);
  };

  it(
    'every JSON body gets 200 when it is a valid interaction and 400 with a reason otherwise, never a 5xx',
    { timeout: 90_000 },
    async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(jsonBody, async (value) => {
          const body = JSON.stringify(value) ?? 'null';
          // fastify refuses prototype poisoning anywhere in a body (secure-json-parse: a "__proto__"
          // key, or a "constructor" object with a "prototype"): 400 even when the schema would
          // take it, as the dedicated test below says.
          const expectedValid = !poisoned(JSON.parse(body)) && InteractionSchema.safeParse(JSON.parse(body)).success;
          const answer = await post(body, 'application/json');
          if (expectedValid) {
            accepted += 1;
            expect(answer.status, JSON.stringify(answer.body)).toBe(200);
          } else {
            expect(answer.status, JSON.stringify(answer.body)).toBe(400);
            expect(ApiErrorSchema.safeParse(answer.body).success, JSON.stringify(answer.body)).toBe(true);
          }
        }),
        { numRuns: 1000 },
      );
      // The oracle is the schema; make sure the runs were not all one-sided.
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(1000);
      await healthy();
    },
  );

  it('a body with a __proto__ key is refused with 400 and a reason, and nothing is stored', async () => {
    const before = await f.t.db.query<{ n: number }>('select count(*)::int as n from messages');
    const answer = await post(
      '{"provider":"x","providerMessageId":"proto-1","channel":"x_dm","threadKey":"t","author":{"kind":"x_handle","value":"@p"},"text":"hi","occurredAt":"2026-01-01T00:00:00Z","meta":{"__proto__":null}}',
      'application/json',
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_body' } });
    const after = await f.t.db.query<{ n: number }>('select count(*)::int as n from messages');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('every valid interaction is accepted (200), duplicates included', { timeout: 90_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(validInteraction, fc.boolean(), async (interaction, twice) => {
        const body = JSON.stringify(interaction);
        const first = await post(body, 'application/json');
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        expect(IngestResponseSchema.safeParse(first.body).success, JSON.stringify(first.body)).toBe(true);
        if (twice) {
          const again = await post(body, 'application/json; charset=utf-8');
          expect(again.status).toBe(200);
          expect(again.body).toMatchObject({
            status: 'duplicate',
            messageId: (first.body as { messageId: string }).messageId,
          });
        }
      }),
      { numRuns: 300 },
    );
    await f.t.settle();
    await healthy();
  });

  it(
    'non-JSON bodies and wrong content types get 400 or 415 with a reason, never a 5xx',
    { timeout: 60_000 },
    async () => {
      const contentType = fc.oneof(
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/octet-stream',
          'message/rfc822',
          'application/json; charset=latin1',
          '',
        ),
        fc.constant(null),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      );
      const rawBody = fc.oneof(
        text(300),
        fc.constantFrom(
          '',
          '{',
          '{"provider":',
          'null',
          '[]',
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"polluted":true}}}',
          '\uFEFF{}',
          'provider=x&channel=x_dm',
        ),
        fc.constant('['.repeat(50_000) + ']'.repeat(50_000)),
        fc.uint8Array({ maxLength: 200 }),
      );
      await fc.assert(
        fc.asyncProperty(rawBody, contentType, async (body, type) => {
          const answer = await post(body, type);
          expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
          expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
          expect([400, 413, 415]).toContain(answer.status);
          expect(ApiErrorSchema.safeParse(answer.body).success, JSON.stringify(answer.body)).toBe(true);
        }),
        { numRuns: 300 },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await healthy();
    },
  );

  it('a body over 1 MB gets 413 too_large', async () => {
    const answer = await post(JSON.stringify({ text: 'x'.repeat(1024 * 1024) }), 'application/json');
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    await healthy();
  });

  // --- known bugs, reported and not fixed here: un-skip with the fix ---------------------

  const interaction = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      provider: 'fuzz',
      providerMessageId: crypto.randomUUID(),
      channel: 'x_dm',
      threadKey: crypto.randomUUID(),
      author: { kind: 'x_handle', value: '@someone' },
      text: 'hello',
      occurredAt: new Date().toISOString(),
      ...overrides,
    });

  // PostgreSQL text and jsonb cannot hold U+0000: an op carrying it must still be answered (or the
  // client would resend it forever), and an interaction carrying it must not be a 500.
  it('an op carrying U+0000 is answered (rejected or applied), so the client can move on', async () => {
    f.client.seq = await lastSeq(f.t, f.clientId);
    const ops = [
      f.client.makeOp('conversation.note', {
        conversationId: f.conversationIds[0],
        messageId: crypto.randomUUID(),
        body: 'a\u0000b',
      }),
      f.client.makeOp('conversation.resolve', { conversationId: 'x\u0000' }),
      f.client.makeOp('presence.set', { presence: 'away' }, { 'bad\u0000key': 1 }),
      f.client.makeOp('presence.set', { presence: 'away' }),
    ];
    const results = await f.client.send(ops);
    expect(results.map((r) => r.opId)).toEqual(ops.map((op) => op.opId));
    expect(results.at(-1)!.status).toBe('applied');
  });

  it('an interaction carrying U+0000 is stored or refused with 400, never a 500', async () => {
    for (const overrides of [
      { text: 'a\u0000b' },
      { author: { kind: 'x_handle', value: '@nul\u0000' } },
      { threadKey: 't\u0000' },
    ]) {
      const answer = await post(interaction(overrides), 'application/json');
      expect([200, 400], JSON.stringify(answer.body)).toContain(answer.status);
    }
  });

  // PGlite cannot store a timestamp outside years 1–9999, which the ISO pattern alone allows.
  it('a timestamp outside years 1–9999 is refused with a reason, never a 500 or an unanswered op', async () => {
    for (const occurredAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-14:00']) {
      const answer = await post(interaction({ occurredAt }), 'application/json');
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    }
    f.client.seq = await lastSeq(f.t, f.clientId);
    const ops = [
      f.client.makeOp('presence.set', { presence: 'away' }, { createdAt: '9999-12-31T23:59:59-14:00' }),
      f.client.makeOp('presence.set', { presence: 'away' }),
    ];
    const results = await f.client.send(ops);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'applied']);
  });
});
