import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/testServer';
import { VisitorHandshakeSchema, VisitorMessageSchema, type MessageAck } from './visitorProtocol';

/**
 * Issue 6: malformed provider payloads cause no crash and get a clear refusal. Web chat's
 * "provider" is the widget: 10,000 malformed `message` payloads on one visitor's socket each get
 * an error answer naming the expected shape (the socket stays up), and malformed handshakes are
 * refused with `invalid_handshake`; a good message still goes through afterwards.
 */
describe('web chat under malformed payloads', { timeout: 120_000 }, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  const connect = (auth: unknown): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = io(`${t.url}/chat`, {
        auth: auth as Record<string, unknown>,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err: Error & { data?: unknown }) => {
        socket.close();
        reject(err);
      });
    });

  it('answers 10,000 malformed messages with a clear error, keeps the socket, and still takes a good one', async () => {
    const visitor = { visitorId: crypto.randomUUID(), name: 'Fuzz Visitor' };
    const socket = await connect(visitor);
    let disconnected = false;
    socket.on('disconnect', () => (disconnected = true));
    const malformed = fc
      .oneof(
        fc.anything(),
        fc.record({ clientMessageId: fc.anything(), text: fc.anything() }, { requiredKeys: [] }),
        fc.record({
          clientMessageId: fc.string(),
          text: fc.oneof(fc.constant(''), fc.constant('   '), fc.string({ minLength: 5001, maxLength: 5200 })),
        }),
      )
      .filter((payload) => !VisitorMessageSchema.safeParse(payload).success);
    let answered = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(malformed, async (payload) => {
        const answer = (await socket.timeout(10_000).emitWithAck('message', payload)) as MessageAck;
        answered++;
        expect(answer.ok).toBe(false);
        if (!answer.ok) {
          expect(answer.retryable).toBe(false);
          expect(answer.error).toMatch(/^Not sent: send \{ clientMessageId, text \} \(.+\)\.$/su);
        }
      }),
      { numRuns: 10_000, seed: 20261126 },
    );
    const seconds = (performance.now() - started) / 1000;
    expect(answered).toBe(10_000);
    expect(disconnected).toBe(false);
    expect(t.server.channels.health.status('chat').malformed).toBe(10_000);
    // Nothing stored, and the channel still works.
    expect((await t.db.query("select 1 from messages where provider = 'chat'")).rows).toEqual([]);
    const good = (await socket.timeout(10_000).emitWithAck('message', {
      clientMessageId: 'after-fuzz-1',
      text: 'Still there?',
    })) as MessageAck;
    expect(good.ok).toBe(true);
    socket.close();
    console.info(`[chat fuzz] 10,000 malformed messages answered in ${seconds.toFixed(1)} s`);
  });

  it('refuses malformed handshakes with invalid_handshake and a sentence saying what to send', async () => {
    // socket.io sends `auth` as an object: anything inside it, and the fields with wrong values.
    const badAuth = fc
      .oneof(
        fc.object(),
        fc.record(
          { visitorId: fc.oneof(fc.string(), fc.uuid(), fc.anything()), name: fc.anything(), email: fc.anything() },
          { requiredKeys: [] },
        ),
      )
      .filter((auth) => !VisitorHandshakeSchema.safeParse(auth).success);
    await fc.assert(
      fc.asyncProperty(badAuth, async (auth) => {
        const error = await connect(auth).then(
          (socket) => {
            socket.close();
            return null;
          },
          (err: Error & { data?: { code?: string; message?: string } }) => err,
        );
        expect(error?.message).toBe('invalid_handshake');
        expect(error?.data?.message).toMatch(/^Connect with auth \{ visitorId/u);
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
