import { afterEach, describe, expect, it } from 'vitest';
import { serverConfig } from '../config';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';
import { startSimulator, type Simulator } from './simulator';

/**
 * `npm start`'s traffic goes through the channel adapters, signed, as the providers would send it:
 * every channel arrives through its own endpoint, and nothing is refused.
 */
describe.each(DB_KINDS)('the demo simulator through the adapters on %s', { timeout: 120_000 }, (kind) => {
  let t: TestServer;
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
    await t?.close();
  });

  it('feeds every channel through its webhook or socket, signed, with no refusals', async () => {
    t = await startTestServer(kind);
    const log: string[] = [];
    simulator = startSimulator({
      baseUrl: t.url,
      ingestKey: 'unused-when-providers-are-set',
      providers: serverConfig(),
      ratePerSecond: 40,
      seed: 20261126,
      maxInFlight: 8,
      log: (message, details) => log.push(`${message} ${JSON.stringify(details)}`),
    });
    // Until every channel has been seen (a call and a chat take a few seconds each).
    const channels = async () =>
      (
        await t.db.query<{ channel: string; provider: string }>(
          `select distinct c.channel, m.provider from messages m join conversations c on c.id = m.conversation_id
           where m.direction in ('inbound', 'transcript')`,
        )
      ).rows;
    const deadline = Date.now() + 60_000;
    while ((await channels()).length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    simulator.spike();
    await simulator.stop();
    simulator = undefined;

    expect(new Map((await channels()).map((r) => [r.channel, r.provider]))).toEqual(
      new Map([
        ['x_public', 'x'],
        ['x_dm', 'x'],
        ['facebook', 'meta'],
        ['messenger', 'meta'],
        ['email', 'email'],
        ['voice', 'cti'],
        ['chat', 'chat'],
      ]),
    );
    // Nothing came the old way, and nothing was refused.
    expect(
      (await t.db.query("select 1 from messages where provider not in ('x', 'meta', 'email', 'cti', 'chat')")).rows,
    ).toEqual([]);
    expect(log).toEqual([]);
    const health = t.server.channels.health.all();
    for (const c of health) {
      expect(c, c.connector).toMatchObject({ badSignatures: 0, authFailures: 0, malformed: 0 });
      expect(c.events, c.connector).toBeGreaterThan(0);
    }
  });
});
