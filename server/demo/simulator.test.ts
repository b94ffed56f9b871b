import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSchema } from '../../shared/domain';
import { InteractionSchema, type InteractionInput } from '../../shared/ingest';
import { detectLanguage } from '../enrich/language';
import { parseListeningQuery, matchesQuery, type ListeningQuery } from '../enrich/listeningQuery';
import { extractContactMentions } from '../enrich/mentions';
import { startSimulator, type Simulator } from './simulator';
import { BRAND, createTrafficGenerator, mulberry32, TEMPLATE_IDS } from './traffic';

const START = Date.parse('2025-03-03T09:00:00.000Z');

/** Runs a generator over `events` events, two seconds apart. */
function generate(seed: number, events: number, options?: { customers?: number }): InteractionInput[][] {
  const generator = createTrafficGenerator(seed, options);
  const out: InteractionInput[][] = [];
  for (let i = 0; i < events; i++) out.push(generator.next(new Date(START + i * 2000)));
  return out;
}

function query(text: string): ListeningQuery {
  const parsed = parseListeningQuery(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

// The demo tenant's rules, as server/demo/seed.ts writes them.
const VIRAL_RULE = query(
  '("skyward breaks guitars" OR #skywardbreaksguitars OR ((guitar* OR cello OR violin OR instrument*) AND (broke OR broken OR smashed OR damaged) AND (@skywardair OR #skywardair OR "skyward air")))',
);
const BAGGAGE_RULE = query(
  '(@skywardair OR #skywardair OR "skyward air") AND (broke OR broken OR damaged OR lost OR bag OR baggage OR luggage OR suitcase)',
);
const REFUND_RULE = query(
  '(@skywardair OR #skywardair OR "skyward air") AND (refund* OR "money back" OR chargeback OR compensation)',
);
const COMPETITOR_RULE = query('(@flyblueline OR "blue line air") AND (@skywardair OR "skyward air") NOT #ad');

describe('mulberry32', () => {
  it('is deterministic, uniform in [0, 1) and seed-dependent', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const c = mulberry32(2);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('traffic generator', () => {
  let events: InteractionInput[][];
  let all: InteractionInput[];

  beforeAll(() => {
    events = generate(20_250_303, 2000);
    all = events.flat();
  });

  it('is deterministic per seed', () => {
    expect(generate(7, 400)).toEqual(generate(7, 400));
    expect(generate(8, 50)).not.toEqual(generate(7, 50));
    const a = createTrafficGenerator(7);
    const b = createTrafficGenerator(7);
    expect(a.spike(new Date(START))).toEqual(b.spike(new Date(START)));
  });

  it('produces interactions that InteractionSchema accepts, over 2,000 events', () => {
    expect(all.length).toBeGreaterThan(2000);
    for (const interaction of all) {
      const parsed = InteractionSchema.safeParse(interaction);
      if (!parsed.success) throw new Error(`${JSON.stringify(interaction)}: ${parsed.error.message}`);
    }
    expect(events.every((event) => event.length > 0)).toBe(true);
  });

  it('gives every message its own providerMessageId', () => {
    const ids = all.map((i) => `${i.provider}|${i.providerMessageId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(all.map((i) => i.providerMessageId)).size).toBe(all.length);
  });

  it('covers every channel in a realistic mix', () => {
    const byChannel = new Map<string, number>();
    for (const event of events) {
      const channel = event.at(-1)!.channel;
      byChannel.set(channel, (byChannel.get(channel) ?? 0) + 1);
    }
    for (const channel of ChannelSchema.options) expect(byChannel.get(channel) ?? 0, channel).toBeGreaterThan(50);
  });

  it('draws on many templates in several tones', () => {
    expect(new Set(TEMPLATE_IDS).size).toBe(TEMPLATE_IDS.length);
    expect(TEMPLATE_IDS.length).toBeGreaterThanOrEqual(40);
    const used = new Set(all.map((i) => i.meta?.template));
    expect(used.size).toBeGreaterThanOrEqual(40);
    const tones = new Set(all.map((i) => i.meta?.tone));
    expect([...tones].sort()).toEqual(['angry', 'neutral', 'polite', 'thankful']);
    // Filled slots (flights, cities, references, amounts) make most written messages unique.
    const written = all.filter((i) => i.channel !== 'voice' && i.channel !== 'chat').map((i) => i.text);
    expect(new Set(written).size).toBeGreaterThan(written.length * 0.8);
    expect(all.some((i) => /\bSK\d{3,4}\b/u.test(i.text))).toBe(true);
  });

  it('sends calls as 4–10 speaker turns on one threadKey', () => {
    const calls = new Map<string, InteractionInput[]>();
    for (const i of all.filter((x) => x.channel === 'voice'))
      calls.set(i.threadKey, [...(calls.get(i.threadKey) ?? []), i]);
    expect(calls.size).toBeGreaterThan(100);
    for (const turns of calls.values()) {
      expect(turns.length).toBeGreaterThanOrEqual(4);
      expect(turns.length).toBeLessThanOrEqual(10);
      expect(turns.every((t) => t.kind === 'transcript' && t.speaker !== undefined)).toBe(true);
      expect(new Set(turns.map((t) => t.speaker))).toContain('customer');
      expect(new Set(turns.map((t) => t.speaker))).toContain('agent');
      expect(new Set(turns.map((t) => t.author.value)).size).toBe(1);
      expect(turns.every((t) => t.author.kind === 'phone')).toBe(true);
      const times = turns.map((t) => Date.parse(t.occurredAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    // Each call arrives whole within one event.
    for (const event of events) {
      const callIds = new Set(event.filter((i) => i.channel === 'voice').map((i) => i.threadKey));
      for (const id of callIds) expect(event.filter((i) => i.threadKey === id).length).toBeGreaterThanOrEqual(4);
    }
    expect(all.filter((i) => i.channel !== 'voice').every((i) => i.kind === 'message' && i.speaker === undefined)).toBe(
      true,
    );
  });

  it('threads emails by root Message-ID with follow-ups arriving later', () => {
    const threads = new Map<string, { event: number; i: InteractionInput }[]>();
    events.forEach((event, n) => {
      for (const i of event.filter((x) => x.channel === 'email')) {
        threads.set(i.threadKey, [...(threads.get(i.threadKey) ?? []), { event: n, i }]);
      }
    });
    const all = [...threads.values()];
    expect(all.every((t) => t[0]!.i.providerMessageId === t[0]!.i.threadKey && t[0]!.i.subject)).toBe(true);
    const followed = all.filter((t) => t.length >= 2);
    expect(followed.length).toBeGreaterThan(50);
    for (const [first, ...rest] of followed) {
      for (const later of rest) {
        expect(later.event).toBeGreaterThan(first!.event);
        expect(later.i.subject).toBe(`Re: ${first!.i.subject}`);
        expect(later.i.author).toEqual(first!.i.author);
        expect(later.i.meta?.inReplyTo).toBe(first!.i.threadKey);
      }
    }
  });

  it('has public posts with big reach and viral threads with replies from other people', () => {
    const posts = all.filter((i) => i.channel === 'x_public');
    expect(posts.every((p) => p.author.kind === 'x_handle' && typeof p.author.followers === 'number')).toBe(true);
    const big = posts.filter((p) => (p.author.followers ?? 0) >= 10_000);
    expect(big.length).toBeGreaterThan(10);
    expect(Math.max(...big.map((p) => p.author.followers ?? 0))).toBeLessThanOrEqual(2_000_000);
    const threads = new Map<string, Set<string>>();
    for (const p of posts) threads.set(p.threadKey, (threads.get(p.threadKey) ?? new Set()).add(p.author.value));
    const viral = [...threads.entries()].filter(([, authors]) => authors.size >= 10);
    expect(viral.length).toBeGreaterThanOrEqual(3);
    for (const [thread] of viral) {
      const root = posts.find((p) => p.providerMessageId === thread)!;
      expect(root.meta?.viral).toBe(true);
      expect(root.author.followers).toBeGreaterThanOrEqual(10_000);
    }
  });

  it('brings the same customers back on other channels', () => {
    const channelsByName = new Map<string, Set<string>>();
    for (const i of all) {
      const name = i.author.displayName;
      if (!name || !name.includes(' ')) continue;
      channelsByName.set(name, (channelsByName.get(name) ?? new Set()).add(i.channel));
    }
    const journeys = [...channelsByName.values()].filter((channels) => channels.size >= 3);
    expect(journeys.length).toBeGreaterThan(50);

    // The same identity on two channels: X handle in public then in DMs, Facebook id on the page then in Messenger.
    const on = (channel: string) => new Set(all.filter((i) => i.channel === channel).map((i) => i.author.value));
    const xBoth = [...on('x_public')].filter((v) => on('x_dm').has(v));
    const fbBoth = [...on('facebook')].filter((v) => on('messenger').has(v));
    expect(xBoth.length).toBeGreaterThan(20);
    expect(fbBoth.length).toBeGreaterThan(20);

    // A public complaint followed by a DM from the same person, as agents ask them to.
    expect(all.some((i) => i.channel === 'x_dm' && i.meta?.template === 'dm-after-tweet')).toBe(true);
  });

  it('has DMs that mention the email or phone of a customer the backend already knows', () => {
    const knownEmails = new Set<string>();
    const knownPhones = new Set<string>();
    let emailMentions = 0;
    let phoneMentions = 0;
    for (const i of all) {
      if (i.author.kind === 'email') knownEmails.add(i.author.value.toLowerCase());
      if (i.author.kind === 'phone') knownPhones.add(i.author.value);
      if (i.channel !== 'x_dm' && i.channel !== 'messenger') continue;
      const mentions = extractContactMentions(i.text);
      emailMentions += mentions.emails.filter((e) => knownEmails.has(e)).length;
      phoneMentions += mentions.phones.filter((p) => knownPhones.has(p)).length;
    }
    expect(emailMentions).toBeGreaterThan(20);
    expect(phoneMentions).toBeGreaterThan(5);
  });

  it('has customers writing in Spanish, French and German', () => {
    const languages = new Map<string, number>();
    for (const i of all) {
      const language = detectLanguage(`${i.subject ?? ''} ${i.text}`);
      languages.set(language, (languages.get(language) ?? 0) + 1);
    }
    expect(languages.get('en') ?? 0).toBeGreaterThan(all.length / 2);
    for (const language of ['es', 'fr', 'de']) expect(languages.get(language) ?? 0, language).toBeGreaterThan(20);
    // Not just call transcripts: written channels too.
    const written = all.filter((i) => i.channel !== 'voice' && ['es', 'fr', 'de'].includes(detectLanguage(i.text)));
    expect(new Set(written.map((i) => i.channel)).size).toBeGreaterThanOrEqual(5);
  });

  it("trips the tenant's listening rules on public channels", () => {
    const publicPosts = all.filter((i) => i.channel === 'x_public' || i.channel === 'facebook');
    const count = (rule: ListeningQuery) => publicPosts.filter((p) => matchesQuery(rule, p.text)).length;
    expect(count(BAGGAGE_RULE)).toBeGreaterThan(30);
    expect(count(REFUND_RULE)).toBeGreaterThan(10);
    expect(count(VIRAL_RULE)).toBeGreaterThan(0);
    expect(count(COMPETITOR_RULE)).toBeGreaterThan(5);
    expect(all.some((i) => i.text.includes(BRAND.xHandle))).toBe(true);
  });

  it('uses the brand address and made-up people only', () => {
    const emails = all.filter((i) => i.channel === 'email');
    expect(emails.every((e) => e.meta?.to === BRAND.supportEmail)).toBe(true);
    expect(emails.every((e) => /@(?:[a-z.]+\.)?example\.(?:com|net|org)$/u.test(e.author.value))).toBe(true);
  });

  it('spike() bursts public posts that match the viral-complaint rule', () => {
    const generator = createTrafficGenerator(99);
    for (let i = 0; i < 50; i++) generator.next(new Date(START + i * 1000));
    const now = new Date(START + 60_000);
    const burst = generator.spike(now);
    expect(burst.length).toBeGreaterThanOrEqual(15);
    for (const post of burst) {
      expect(InteractionSchema.safeParse(post).success).toBe(true);
      expect(['x_public', 'facebook']).toContain(post.channel);
      expect(matchesQuery(VIRAL_RULE, post.text), post.text).toBe(true);
      expect(Date.parse(post.occurredAt)).toBeLessThanOrEqual(now.getTime());
      expect(Date.parse(post.occurredAt)).toBeGreaterThan(now.getTime() - 5 * 60_000);
      expect(post.meta?.spike).toBe(true);
    }
    expect(new Set(burst.map((p) => p.author.value)).size).toBeGreaterThan(burst.length / 2);
    const second = generator.spike(now);
    const ids = [...burst, ...second].map((p) => p.providerMessageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('honours the customer pool size', () => {
    const small = generate(3, 600, { customers: 5 }).flat();
    const emails = new Set(small.filter((i) => i.channel === 'email').map((i) => i.author.value));
    expect(emails.size).toBeLessThanOrEqual(5);
    expect(emails.size).toBeGreaterThan(1);
  });
});

// ---------------------------------------------------------------------------------------------

interface Recorded {
  at: number;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A stand-in for the backend's ingestion endpoint that records what it gets. */
async function standIn(answer: (n: number) => { status: number; body: unknown }, delayMs = 0) {
  const recorded: Recorded[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void readBody(request).then(async (text) => {
      const n = recorded.length + 1;
      if (request.method === 'POST' && request.url === '/api/ingest') {
        recorded.push({
          at: Date.now(),
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body: JSON.parse(text) as unknown,
        });
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const { status, body } = answer(n);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      inFlight--;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recorded,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function start(...args: Parameters<typeof startSimulator>): Simulator {
    const simulator = startSimulator(...args);
    cleanups.push(() => simulator.stop());
    return simulator;
  }

  it('posts events at about the configured rate with the key and valid bodies, and stop() ends it', async () => {
    const server = await standIn(
      (n) => ({
        status: 200,
        body: { status: n % 5 === 0 ? 'duplicate' : 'accepted', conversationId: 'c', messageId: 'm' },
      }),
      5,
    );
    cleanups.push(server.close);
    const logs: string[] = [];
    const simulator = start({
      baseUrl: `${server.url}/`,
      ingestKey: 'test-ingest-key-0123456789',
      ratePerSecond: 20,
      seed: 1234,
      log: (message) => logs.push(message),
    });
    await sleep(1500);
    await simulator.stop();
    const stoppedAt = Date.now();
    const count = server.recorded.length;

    const eventNumbers = new Set(server.recorded.map((r) => (r.body as InteractionInput).meta?.event));
    expect(eventNumbers.size).toBeGreaterThanOrEqual(15);
    expect(eventNumbers.size).toBeLessThanOrEqual(45);
    for (const r of server.recorded) {
      expect(r.authorization).toBe('Bearer test-ingest-key-0123456789');
      expect(r.contentType).toMatch(/^application\/json/u);
      expect(InteractionSchema.safeParse(r.body).success).toBe(true);
    }
    expect(server.maxInFlight()).toBeLessThanOrEqual(4);

    const stats = simulator.stats();
    expect(stats.sent).toBe(count);
    expect(stats.failed).toBe(0);
    expect(stats.accepted + stats.duplicates).toBe(count);
    expect(stats.duplicates).toBe(Math.floor(count / 5));
    expect(logs).toEqual([]);

    await sleep(400);
    expect(server.recorded.length).toBe(count);
    expect(server.recorded.every((r) => r.at <= stoppedAt)).toBe(true);
    expect(simulator.stats()).toEqual(stats);
  });

  it('posts the same traffic for the same seed', async () => {
    const server = await standIn(() => ({
      status: 200,
      body: { status: 'accepted', conversationId: 'c', messageId: 'm' },
    }));
    cleanups.push(server.close);
    const simulator = start({
      baseUrl: server.url,
      ingestKey: 'k'.repeat(20),
      ratePerSecond: 50,
      seed: 5,
      maxInFlight: 1,
    });
    await sleep(300);
    await simulator.stop();
    const generator = createTrafficGenerator(5);
    const expected = Array.from({ length: 6 }, () => generator.next(new Date())).flat();
    const got = server.recorded.map((r) => r.body as InteractionInput);
    expect(got.length).toBeGreaterThan(6);
    const strip = (i: InteractionInput) => ({ ...i, occurredAt: undefined });
    expect(got.slice(0, 6).map(strip)).toEqual(expected.slice(0, 6).map(strip));
  });

  it('counts and logs failed POSTs without throwing', async () => {
    const server = await standIn(() => ({ status: 401, body: { error: 'unauthorized' } }));
    cleanups.push(server.close);
    const logs: { message: string; details?: Record<string, unknown> }[] = [];
    const simulator = start({
      baseUrl: server.url,
      ingestKey: 'wrong-key-0123456789',
      ratePerSecond: 20,
      log: (message, details) => logs.push({ message, details }),
    });
    await sleep(400);
    await simulator.stop();
    const stats = simulator.stats();
    expect(stats.sent).toBeGreaterThan(0);
    expect(stats.failed).toBe(stats.sent);
    expect(stats.accepted).toBe(0);
    expect(logs[0]?.message).toContain('401');
  });

  it('survives an unreachable backend', async () => {
    const server = await standIn(() => ({ status: 200, body: {} }));
    await server.close();
    const logs: string[] = [];
    const simulator = start({
      baseUrl: server.url,
      ingestKey: 'k'.repeat(20),
      ratePerSecond: 10,
      log: (m) => logs.push(m),
    });
    simulator.spike();
    await sleep(300);
    await simulator.stop();
    expect(simulator.stats().failed).toBeGreaterThan(0);
    expect(simulator.stats().failed).toBe(simulator.stats().sent);
    expect(logs.length).toBeGreaterThan(0);
  });

  it('posts a spike burst on demand, on top of the rate', async () => {
    const server = await standIn(() => ({
      status: 200,
      body: { status: 'accepted', conversationId: 'c', messageId: 'm' },
    }));
    cleanups.push(server.close);
    const simulator = start({ baseUrl: server.url, ingestKey: 'k'.repeat(20), ratePerSecond: 0.001, seed: 9 });
    await sleep(100);
    simulator.spike();
    await sleep(600);
    await simulator.stop();
    const spiked = server.recorded.map((r) => r.body as InteractionInput).filter((i) => i.meta?.spike === true);
    expect(spiked.length).toBeGreaterThanOrEqual(15);
    expect(spiked.every((i) => matchesQuery(VIRAL_RULE, i.text))).toBe(true);
  });

  it('does not keep the process alive', () => {
    const simulatorPath = fileURLToPath(new URL('./simulator.ts', import.meta.url));
    const script = `
      import { startSimulator } from ${JSON.stringify(simulatorPath)};
      startSimulator({ baseUrl: 'http://127.0.0.1:9', ingestKey: 'k', ratePerSecond: 2, log: () => {} });
      console.log('started');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(child.stdout).toContain('started');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });
});
