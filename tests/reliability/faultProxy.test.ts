import { createHook } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultProxy, FrameReader } from './faultProxy';

interface Payload {
  seq: number;
  text: string;
}
interface ClientEvents {
  echo: (payload: Payload, ack: (echoed: Payload) => void) => void;
  evt: (payload: Payload, ack: (echoed: Payload) => void) => void;
}
type ServerEvents = Record<string, never>;
type SyncServer = Server<ClientEvents, ServerEvents>;
type SyncClient = Socket<ServerEvents, ClientEvents>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  // Newest first: the client goes before the proxy, the proxy before the server.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const payload = (seq: number, size = 16): Payload => ({ seq, text: 'x'.repeat(size) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextEvent = (client: SyncClient, event: 'connect' | 'disconnect') =>
  new Promise<void>((resolve) => client.once(event, () => resolve()));

/**
 * A socket.io server on loopback that acknowledges `echo` and `evt` with their payload and
 * records, in arrival order, the seq of each `echo` and every `evt` payload.
 */
async function startSyncServer(): Promise<{ server: SyncServer; port: number; echoed: number[]; evts: Payload[] }> {
  const http = createServer();
  const server: SyncServer = new Server(http, { transports: ['websocket'] });
  const echoed: number[] = [];
  const evts: Payload[] = [];
  server.on('connection', (socket) => {
    socket.on('echo', (p, ack) => {
      echoed.push(p.seq);
      ack(p);
    });
    socket.on('evt', (p, ack) => {
      evts.push(p);
      ack(p);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { server, port: address.port, echoed, evts };
}

async function startProxy(port: number): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port });
  cleanups.push(() => proxy.close());
  return proxy;
}

/** A client that reconnects quickly, so reconnection tests take milliseconds rather than seconds. */
async function connectClient(url: string): Promise<SyncClient> {
  const client: SyncClient = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
  });
  cleanups.push(() => {
    client.close();
  });
  await nextEvent(client, 'connect');
  return client;
}

/** Server, proxy in front of it, and one client connected through the proxy. */
async function startRig() {
  const sync = await startSyncServer();
  const proxy = await startProxy(sync.port);
  const client = await connectClient(proxy.url);
  return { ...sync, proxy, client };
}

async function timedRoundTrip(client: SyncClient, seq: number): Promise<number> {
  const started = performance.now();
  expect(await client.emitWithAck('echo', payload(seq))).toEqual(payload(seq));
  return performance.now() - started;
}

describe('FaultProxy with socket.io over WebSocket', () => {
  it('passes 200 round trips through unchanged and in order, small frames and 16- and 64-bit lengths alike', async () => {
    const { proxy, client, echoed } = await startRig();
    // Sizes chosen to cross the 125-byte and 65,535-byte frame length encodings.
    const sizes = [16, 200, 70_000];
    const answers: Payload[] = [];
    for (const seq of range(200)) answers.push(await client.emitWithAck('echo', payload(seq, sizes[seq % 3])));

    expect(answers).toEqual(range(200).map((seq) => payload(seq, sizes[seq % 3])));
    expect(echoed).toEqual(range(200));
    expect(proxy.connections).toBe(1);
    expect(proxy.counts).toEqual({ cut: 0, delay: 0, drop: 0, duplicate: 0, refuse: 0 });
  });

  it('duplicateNext delivers one packet twice to the server; the client takes the ack once', async () => {
    const { proxy, client, evts, echoed } = await startRig();
    let acks = 0;

    proxy.duplicateNext('toServer', 1);
    client.emit('evt', payload(7), () => {
      acks += 1;
    });
    await vi.waitFor(() => expect(evts).toHaveLength(2));
    // One round trip later both acks of the repeated packet have reached the client.
    await timedRoundTrip(client, 8);

    expect(evts).toEqual([payload(7), payload(7)]);
    expect(echoed).toEqual([8]);
    expect(acks).toBe(1);
    expect(proxy.counts.duplicate).toBe(1);
  });

  it("drop('toClient') is a one-way partition: the server hears, the client does not, until drop(null)", async () => {
    const { proxy, client, echoed } = await startRig();
    const engineId = client.io.engine.id;
    let disconnects = 0;
    client.on('disconnect', () => (disconnects += 1));

    proxy.drop('toClient');
    await expect(client.timeout(300).emitWithAck('echo', payload(1))).rejects.toThrow();
    expect(echoed).toEqual([1]);

    proxy.drop(null);
    await timedRoundTrip(client, 2);
    expect(echoed).toEqual([1, 2]);
    expect(client.io.engine.id).toBe(engineId);
    expect(disconnects).toBe(0);
    expect(proxy.connections).toBe(1);
    expect(proxy.counts.drop).toBe(1);
  });

  it("drop('toServer') loses what was sent meanwhile; forwarding resumes with the next packet", async () => {
    const { proxy, client, echoed } = await startRig();

    proxy.drop('toServer');
    client.emit('echo', payload(1), () => {});
    await sleep(100);
    proxy.drop(null);
    await timedRoundTrip(client, 2);

    expect(echoed).toEqual([2]);
    expect(proxy.counts.drop).toBe(1);
  });

  it("delay('both', 100) makes a round trip take ≥ 200 ms, keeps 50 pipelined emits in order; 0 clears it", async () => {
    const { proxy, client, echoed } = await startRig();

    proxy.delay('both', 100);
    expect(await timedRoundTrip(client, -1)).toBeGreaterThanOrEqual(200);

    echoed.length = 0;
    const answered: number[] = [];
    const started = performance.now();
    await Promise.all(
      range(50).map(async (seq) => answered.push((await client.emitWithAck('echo', payload(seq))).seq)),
    );
    const batch = performance.now() - started;
    expect(echoed).toEqual(range(50));
    expect(answered).toEqual(range(50));
    // Latency, not a bandwidth cap: the 50 frames wait out their 100 ms side by side.
    expect(batch).toBeGreaterThanOrEqual(200);
    expect(batch).toBeLessThan(1000);

    proxy.delay('both', 0);
    expect(await timedRoundTrip(client, 99)).toBeLessThan(50);
    expect(proxy.counts.delay).toBe(1);
  });

  it('jitter never reorders frames on a connection', async () => {
    const { proxy, client, echoed } = await startRig();

    proxy.delay('both', 1, 40);
    const answered: number[] = [];
    await Promise.all(
      range(50).map(async (seq) => answered.push((await client.emitWithAck('echo', payload(seq))).seq)),
    );

    expect(echoed).toEqual(range(50));
    expect(answered).toEqual(range(50));
  });

  it('cut() drops the connection; socket.io reconnects by itself through the proxy', async () => {
    const { server, proxy, client } = await startRig();
    let serverDisconnects = 0;
    for (const socket of server.sockets.sockets.values()) socket.on('disconnect', () => (serverDisconnects += 1));
    const disconnected = nextEvent(client, 'disconnect');
    const firstId = client.id;

    proxy.cut();
    expect(proxy.connections).toBe(0);
    await disconnected;
    await nextEvent(client, 'connect');

    expect(client.id).not.toBe(firstId);
    expect(proxy.connections).toBe(1);
    expect(proxy.counts.cut).toBe(1);
    await vi.waitFor(() => expect(serverDisconnects).toBe(1));
    await timedRoundTrip(client, 1);
  });

  it('cut() with no connection open counts nothing', async () => {
    const { port } = await startSyncServer();
    const proxy = await startProxy(port);

    proxy.cut();

    expect(proxy.counts.cut).toBe(0);
  });

  it('refuse(true) keeps reconnection failing; refuse(false) lets it through', async () => {
    const { proxy, client } = await startRig();

    proxy.refuse(true);
    proxy.cut();
    await sleep(500);
    expect(client.connected).toBe(false);
    expect(proxy.connections).toBe(0);
    expect(proxy.counts.refuse).toBeGreaterThanOrEqual(1);

    const reconnected = nextEvent(client, 'connect');
    proxy.refuse(false);
    await reconnected;
    expect(proxy.connections).toBe(1);
    await timedRoundTrip(client, 1);
  });

  it('heal() clears every standing fault and keeps the counts', async () => {
    const { proxy, client, echoed } = await startRig();

    proxy.delay('both', 200);
    proxy.drop('toClient');
    proxy.duplicateNext('toServer', 3);
    proxy.refuse(true);
    proxy.heal();

    expect(await timedRoundTrip(client, 1)).toBeLessThan(50);
    expect(echoed).toEqual([1]);
    expect(proxy.counts).toEqual({ cut: 0, delay: 1, drop: 1, duplicate: 0, refuse: 0 });
  });
});

/** A WebSocket frame as RFC 6455 section 5.2 lays it out; masked when a mask key is given. */
function encodeFrame(payloadBytes: Buffer, options: { opcode?: number; mask?: Buffer } = {}): Buffer {
  const { opcode = 0x2, mask } = options;
  const length = payloadBytes.length;
  const lengthCode = length < 126 ? length : length <= 0xffff ? 126 : 127;
  const extended = Buffer.alloc(lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0);
  if (lengthCode === 126) extended.writeUInt16BE(length);
  if (lengthCode === 127) extended.writeBigUInt64BE(BigInt(length));
  const head = Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | lengthCode]);
  const body = mask ? payloadBytes.map((byte, i) => byte ^ (mask[i % 4] ?? 0)) : payloadBytes;
  return Buffer.concat([head, extended, mask ?? Buffer.alloc(0), body]);
}

describe('FrameReader', () => {
  const bytes = (n: number, seed: number) => Buffer.from(range(n).map((i) => (i * 31 + seed) % 256));
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const frames = [
    encodeFrame(Buffer.alloc(0)),
    encodeFrame(bytes(5, 1)),
    encodeFrame(bytes(125, 2), { mask }),
    encodeFrame(bytes(126, 3), { opcode: 0x1 }),
    encodeFrame(bytes(0xffff, 4), { mask }),
    encodeFrame(bytes(0x10000, 5)),
    encodeFrame(bytes(70_000, 6), { mask }),
    encodeFrame(bytes(4, 7), { opcode: 0x9, mask }),
  ];
  const stream = Buffer.concat(frames);

  // Digests, not buffers: deep equality over 200 KB of bytes per run is what would make this slow.
  const digest = (frame: Buffer) => createHash('sha256').update(frame).digest('hex');
  const expected = frames.map(digest);
  const readAll = (chunks: Buffer[]) => {
    const reader = new FrameReader();
    const out = chunks.flatMap((chunk) => reader.push(chunk)).map(digest);
    return { out, pending: reader.pendingBytes };
  };

  it('encodes the lengths under test as 7-, 16- and 64-bit', () => {
    expect(frames.map((f) => f.readUInt8(1) & 0x7f)).toEqual([0, 5, 125, 126, 126, 127, 127, 4]);
  });

  it('rebuilds frames fed one byte at a time', () => {
    const { out, pending } = readAll(range(stream.length).map((i) => stream.subarray(i, i + 1)));
    expect(out).toEqual(expected);
    expect(pending).toBe(0);
  });

  it('splits several frames out of one chunk', () => {
    const { out, pending } = readAll([stream]);
    expect(out).toEqual(expected);
    expect(pending).toBe(0);
  });

  it('holds back a partial frame until its last byte arrives', () => {
    const reader = new FrameReader();
    const last = frames.at(-2) ?? Buffer.alloc(0);
    expect(reader.push(last.subarray(0, last.length - 1))).toEqual([]);
    expect(reader.pendingBytes).toBe(last.length - 1);
    expect(reader.push(last.subarray(last.length - 1)).map(digest)).toEqual([digest(last)]);
  });

  it('gives the same frames for any chunking', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = bounds.slice(1).map((end, i) => stream.subarray(bounds[i], end));
        expect(readAll(chunks).out).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a 64-bit length with the top bit set', () => {
    const bogus = Buffer.from([0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => new FrameReader().push(bogus)).toThrow(RangeError);
  });
});

const UPGRADE_REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const SWITCHING = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

/**
 * A bare TCP peer standing in for the server: answers the first request head with `response`,
 * sent in the given pieces 20 ms apart, then records every byte that follows.
 */
async function startRawTarget(...responsePieces: Buffer[]) {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let head = Buffer.alloc(0);
    const onHead = async (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onHeadChunk);
      socket.on('data', (more: Buffer) => received.push(more));
      received.push(head.subarray(end + 4));
      for (const piece of responsePieces) {
        socket.write(piece);
        await sleep(20);
      }
    };
    const onHeadChunk = (chunk: Buffer) => void onHead(chunk);
    socket.on('data', onHeadChunk);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, received: () => Buffer.concat(received) };
}

/** A raw client socket through the proxy, and everything it has received so far. */
function rawClient(proxy: FaultProxy) {
  const socket = net.connect(proxy.port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('error', () => {});
  socket.on('data', (chunk) => received.push(chunk));
  cleanups.push(() => void socket.destroy());
  return { socket, received: () => Buffer.concat(received) };
}

describe('FaultProxy on raw connections', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const text = (s: string, options: { fin?: boolean; opcode?: number } = {}) => {
    const frame = encodeFrame(Buffer.from(s), { opcode: options.opcode ?? 0x1, mask });
    if (options.fin === false) frame.writeUInt8(frame.readUInt8(0) & 0x7f, 0);
    return frame;
  };

  it('finds the 101 across chunks, frames the bytes after it, and duplicates only whole data messages', async () => {
    const serverFrame = encodeFrame(Buffer.from('hello client'), { opcode: 0x1 });
    const head = Buffer.from(SWITCHING);
    // The head split in two, and its end sharing a chunk with the first frame.
    const target = await startRawTarget(head.subarray(0, 20), Buffer.concat([head.subarray(20), serverFrame]));
    const proxy = await startProxy(target.port);
    proxy.duplicateNext('toClient', 1);
    const client = rawClient(proxy);

    client.socket.write(UPGRADE_REQUEST);
    await vi.waitFor(() => expect(client.received()).toEqual(Buffer.concat([head, serverFrame, serverFrame])));

    proxy.duplicateNext('toServer', 1);
    const ping = text('are you there', { opcode: 0x9 });
    const fragments = [text('first half, ', { fin: false }), text('second half', { opcode: 0x0 })];
    const whole = text('one whole packet');
    client.socket.write(Buffer.concat([ping, ...fragments, whole]));
    const expected = Buffer.concat([ping, ...fragments, whole, whole]);
    await vi.waitFor(() => expect(target.received()).toEqual(expected));

    expect(proxy.counts.duplicate).toBe(2);
  });

  it('passes a connection that did not upgrade through untouched, with no duplicates', async () => {
    const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const target = await startRawTarget(response);
    const proxy = await startProxy(target.port);
    proxy.duplicateNext('toClient', 1);
    proxy.duplicateNext('toServer', 1);
    const client = rawClient(proxy);

    client.socket.write('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await vi.waitFor(() => expect(client.received()).toEqual(response));
    const looksLikeAFrame = text('not a frame on plain HTTP');
    client.socket.write(looksLikeAFrame);
    await vi.waitFor(() => expect(target.received()).toEqual(looksLikeAFrame));
    await sleep(50);

    expect(client.received()).toEqual(response);
    expect(target.received()).toEqual(looksLikeAFrame);
    expect(proxy.counts.duplicate).toBe(0);
  });

  it('a reset from the client, or a target that is down, ends the pair quietly', async () => {
    const target = await startRawTarget(Buffer.from(SWITCHING));
    const proxy = await startProxy(target.port);
    const client = rawClient(proxy);
    client.socket.write(UPGRADE_REQUEST);
    await vi.waitFor(() => expect(client.received().length).toBeGreaterThan(0));

    client.socket.resetAndDestroy();
    await vi.waitFor(() => expect(proxy.connections).toBe(0));

    const down = net.createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const address = down.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    await new Promise((resolve) => down.close(resolve));
    const nowhere = await startProxy(address.port);
    const stranded = rawClient(nowhere);
    await new Promise((resolve) => stranded.socket.once('close', resolve));
    expect(nowhere.connections).toBe(0);
  });
});

describe('FaultProxy lifecycle', () => {
  /**
   * The TCP handles, and the timers armed from their callbacks (the delay queues), created while
   * tracking is on. An async hook rather than process.getActiveResourcesInfo(), which leaves out
   * unref'd handles: every handle of the proxy is unref'd.
   */
  function trackHandles() {
    const live = new Map<number, string>();
    const hook = createHook({
      init(asyncId, type, triggerAsyncId) {
        if (type === 'TCPWRAP' || type === 'TCPSERVERWRAP') live.set(asyncId, type);
        else if (type === 'Timeout' && live.has(triggerAsyncId)) live.set(asyncId, type);
      },
      destroy(asyncId) {
        live.delete(asyncId);
      },
    }).enable();
    cleanups.push(() => void hook.disable());
    return () => [...live.values()].sort();
  }

  it('close() releases the listener, every pair and every delay timer', async () => {
    const liveHandles = trackHandles();
    const target = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const address = target.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: address.port });

    const clients = range(3).map(() => net.connect(proxy.port, '127.0.0.1'));
    const clientsClosed = clients.map((c) => new Promise((resolve) => c.on('error', () => {}).once('close', resolve)));
    await Promise.all(clients.map((c) => new Promise((resolve) => c.write('ping', () => c.once('data', resolve)))));
    expect(proxy.connections).toBe(3);
    // Leave bytes waiting in the delay queues, so close() has timers to clear too.
    proxy.delay('both', 60_000);
    for (const c of clients) c.write('late');
    await sleep(50);
    // Two listeners; per connection the client, its accepted end, the upstream and the target's end; three queues.
    expect(liveHandles()).toEqual(
      [
        ...Array<string>(2).fill('TCPSERVERWRAP'),
        ...Array<string>(12).fill('TCPWRAP'),
        'Timeout',
        'Timeout',
        'Timeout',
      ].sort(),
    );

    await proxy.close();
    expect(proxy.connections).toBe(0);
    await Promise.all(clientsClosed);
    await new Promise((resolve) => target.close(resolve));

    await vi.waitFor(() => expect(liveHandles()).toEqual([]), { timeout: 2000 });
  });

  it('a proxy nobody closes does not keep the process alive', async () => {
    const script = `
      import net from 'node:net';
      import { FaultProxy } from ${JSON.stringify(path.join(import.meta.dirname, 'faultProxy.ts'))};
      const target = net.createServer((s) => { s.unref(); s.pipe(s); }).listen(0, '127.0.0.1');
      await new Promise((resolve) => target.once('listening', resolve));
      target.unref();
      const proxy = await FaultProxy.start({ host: '127.0.0.1', port: target.address().port });
      proxy.delay('both', 60_000);
      const client = net.connect(proxy.port, '127.0.0.1');
      client.unref();
      client.write('stuck in the delay queue');
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Plain text: console.log would colour a number when FORCE_COLOR is set (as under npm test).
      process.stdout.write(String(proxy.connections));
    `;
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      timeout: 15_000,
    });
    expect(stdout.trim()).toBe('1');
  }, 20_000);
});
