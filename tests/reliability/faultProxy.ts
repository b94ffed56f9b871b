import net from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';

/**
 * A TCP proxy between sync clients and the server that breaks the link on command: cut it,
 * refuse it, slow it, partition it one way, or deliver a WebSocket frame twice. Once a connection
 * has upgraded to WebSocket it forwards whole frames, so faults land on socket.io packets rather
 * than on arbitrary byte ranges.
 */

export type Direction = 'toServer' | 'toClient';
export type FaultKind = 'cut' | 'delay' | 'drop' | 'duplicate' | 'refuse';
export interface FaultCounts {
  cut: number;
  delay: number;
  drop: number;
  duplicate: number;
  refuse: number;
}

const DIRECTIONS: readonly Direction[] = ['toServer', 'toClient'];

/** The longest WebSocket frame header: 2 bytes, a 64-bit length and a mask key. */
const MAX_FRAME_HEADER = 14;

/**
 * Cuts one direction of a WebSocket byte stream into whole frames (RFC 6455 section 5.2),
 * whatever the TCP chunking. Frames come out byte for byte as they went in.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame at the front once its header is in; saves re-reading it on every chunk. */
  private frameSize: number | undefined;

  /** Takes the next chunk read from the socket; returns the frames it completed. Throws on a length no peer can send. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      this.frameSize ??= this.readFrameSize();
      if (this.frameSize === undefined || this.buffered < this.frameSize) return frames;
      frames.push(this.take(this.frameSize));
      this.frameSize = undefined;
    }
  }

  /** Bytes held back until the rest of their frame arrives. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private readFrameSize(): number | undefined {
    if (this.buffered < 2) return undefined;
    const first = this.chunks[0];
    const header =
      first && first.length >= MAX_FRAME_HEADER
        ? first
        : Buffer.concat(this.chunks, Math.min(this.buffered, MAX_FRAME_HEADER));
    const second = header.readUInt8(1);
    const lengthCode = second & 0x7f;
    const extendedBytes = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
    if (header.length < 2 + extendedBytes) return undefined;
    const maskBytes = second & 0x80 ? 4 : 0;
    return 2 + extendedBytes + maskBytes + payloadLength(header, lengthCode);
  }

  private take(size: number): Buffer {
    const all = this.chunks.length === 1 && this.chunks[0] ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const rest = all.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, size);
  }
}

function payloadLength(header: Buffer, lengthCode: number): number {
  if (lengthCode === 126) return header.readUInt16BE(2);
  if (lengthCode !== 127) return lengthCode;
  const length = header.readBigUInt64BE(2);
  // The RFC forbids the top bit; anything past 2^53 could never be buffered anyway.
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`WebSocket frame length ${length} is not valid`);
  return Number(length);
}

/**
 * A data frame that is a whole message (FIN set, text or binary): one socket.io packet. Control
 * frames and fragments are never duplicated: a second close frame or a repeated fragment would
 * break the WebSocket itself instead of testing what the sync protocol does with a repeat.
 */
function isWholeMessage(frame: Buffer): boolean {
  const first = frame.readUInt8(0);
  const opcode = first & 0x0f;
  return (first & 0x80) !== 0 && (opcode === 0x1 || opcode === 0x2);
}

/** The standing faults and their counts, shared by the proxy and every lane. */
class Faults {
  refusing = false;
  dropping: Direction | null = null;
  readonly latency: Record<Direction, { ms: number; jitterMs: number }> = {
    toServer: { ms: 0, jitterMs: 0 },
    toClient: { ms: 0, jitterMs: 0 },
  };
  readonly duplicates: Record<Direction, number> = { toServer: 0, toClient: 0 };
  readonly counts: FaultCounts = { cut: 0, delay: 0, drop: 0, duplicate: 0, refuse: 0 };

  latencyMs(direction: Direction): number {
    const { ms, jitterMs } = this.latency[direction];
    return ms + Math.random() * jitterMs;
  }

  /** Spends one pending duplicate for `direction`, if any. */
  takeDuplicate(direction: Direction): boolean {
    if (this.duplicates[direction] === 0) return false;
    this.duplicates[direction] -= 1;
    this.counts.duplicate += 1;
    return true;
  }

  heal() {
    this.refusing = false;
    this.dropping = null;
    for (const direction of DIRECTIONS) {
      this.latency[direction] = { ms: 0, jitterMs: 0 };
      this.duplicates[direction] = 0;
    }
  }
}

/** A chunk or frame waiting out its latency; null bytes stand for the end of the stream. */
interface Parcel {
  due: number;
  bytes: Buffer | null;
}

/** One direction of a connection pair: what `source` sends, after the faults, reaches `sink`. */
class Lane {
  private frames: FrameReader | undefined;
  private queue: Parcel[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private awaitingDrain = false;

  constructor(
    private readonly direction: Direction,
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly faults: Faults,
  ) {}

  /** From now on the stream is WebSocket frames. */
  readFrames() {
    this.frames = new FrameReader();
  }

  receive(chunk: Buffer) {
    if (!this.frames) return this.pass(chunk, false);
    for (const frame of this.frames.push(chunk)) this.pass(frame, isWholeMessage(frame));
  }

  /**
   * The source finished sending; the sink is ended once everything before it is delivered. The end
   * crosses even a dropped direction, so a closed client never leaves a pair open behind it.
   */
  end() {
    this.enqueue(null);
  }

  /** Forgets whatever is still waiting out its latency: it was on the wire when the link broke. */
  discard() {
    this.queue = [];
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pass(bytes: Buffer, duplicable: boolean) {
    if (bytes.length === 0 || this.faults.dropping === this.direction) return;
    this.enqueue(bytes);
    if (duplicable && this.faults.takeDuplicate(this.direction)) this.enqueue(bytes);
  }

  private enqueue(bytes: Buffer | null) {
    const latency = this.faults.latencyMs(this.direction);
    if (latency === 0 && this.queue.length === 0) return this.deliver(bytes);
    // One FIFO per lane: a parcel never overtakes the one before it, whatever its own latency.
    this.queue.push({ due: performance.now() + latency, bytes });
    this.schedule();
  }

  private schedule() {
    const next = this.queue[0];
    if (!next || this.timer) return;
    this.timer = setTimeout(this.flush, Math.max(0, Math.ceil(next.due - performance.now())));
    this.timer.unref();
  }

  private readonly flush = () => {
    this.timer = undefined;
    // Timers may fire a fraction of a millisecond early; the due check keeps the latency a floor.
    const now = performance.now();
    for (let next = this.queue[0]; next && next.due <= now; next = this.queue[0]) {
      this.queue.shift();
      this.deliver(next.bytes);
    }
    this.schedule();
  };

  private deliver(bytes: Buffer | null) {
    if (!this.sink.writable) return;
    if (bytes === null) {
      this.sink.end();
      return;
    }
    if (this.sink.write(bytes) || this.awaitingDrain) return;
    // Backpressure: stop reading until the slow side catches up, as a direct connection would.
    this.awaitingDrain = true;
    this.source.pause();
    this.sink.once('drain', () => {
      this.awaitingDrain = false;
      this.source.resume();
    });
  }
}

/** Longest response head we wait for before deciding a connection stays plain HTTP. */
const MAX_RESPONSE_HEAD = 16 * 1024;

/**
 * Reads the first response on a connection to learn whether it became a WebSocket (RFC 6455
 * section 4.2.2). WebSocket clients open a fresh connection for the handshake, so the first
 * response decides; a client cannot send frames before it has this 101, so the client side can
 * switch to frames at the moment the 101 is read.
 */
class UpgradeWatch {
  private head = Buffer.alloc(0);

  /** undefined until the head is complete; then whether it upgraded and how much of `chunk` is head. */
  read(chunk: Buffer): { upgraded: boolean; headBytes: number } | undefined {
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length >= 5 && this.head.toString('latin1', 0, 5) !== 'HTTP/') {
      return { upgraded: false, headBytes: chunk.length };
    }
    const end = this.head.indexOf('\r\n\r\n');
    if (end === -1) {
      return this.head.length > MAX_RESPONSE_HEAD ? { upgraded: false, headBytes: chunk.length } : undefined;
    }
    const headEnd = end + 4;
    const text = this.head.toString('latin1', 0, headEnd);
    const upgraded = /^HTTP\/1\.[01] 101 /.test(text) && /\r\nupgrade:[ \t]*websocket[ \t]*\r\n/i.test(text);
    return { upgraded, headBytes: headEnd - (this.head.length - chunk.length) };
  }
}

/** Drops a connection the way a broken link does: a reset where a connection exists. */
function abort(socket: net.Socket) {
  if (socket.destroyed) return;
  if (socket.pending) socket.destroy();
  else socket.resetAndDestroy();
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** One accepted client socket and its own upstream socket to the target. */
class ConnectionPair {
  readonly upstream: net.Socket;
  /** Settles once both sockets have released their handles. */
  readonly closed: Promise<void>;
  private readonly toServer: Lane;
  private readonly toClient: Lane;
  private upgradeWatch: UpgradeWatch | undefined = new UpgradeWatch();

  constructor(
    readonly client: net.Socket,
    target: { host: string; port: number },
    faults: Faults,
    private readonly onGone: (pair: ConnectionPair) => void,
  ) {
    // Half-open allowed so a FIN crosses the proxy after the data queued before it, not instead of it.
    this.upstream = net.connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    this.toServer = new Lane('toServer', client, this.upstream, faults);
    this.toClient = new Lane('toClient', this.upstream, client, faults);
    for (const socket of [client, this.upstream]) {
      socket.unref();
      socket.on('error', () => this.destroy());
    }
    client.on('data', (chunk) => this.guard(() => this.toServer.receive(chunk)));
    this.upstream.on('data', (chunk) => this.guard(() => this.fromServer(chunk)));
    client.on('end', () => this.toServer.end());
    this.upstream.on('end', () => this.toClient.end());
    this.closed = Promise.all([closed(client), closed(this.upstream)]).then(() => onGone(this));
  }

  /** Both sockets reset at once; anything still delayed is lost with them. */
  destroy() {
    this.toServer.discard();
    this.toClient.discard();
    abort(this.client);
    abort(this.upstream);
    this.onGone(this);
  }

  private fromServer(chunk: Buffer) {
    const verdict = this.upgradeWatch?.read(chunk);
    if (!verdict) return this.toClient.receive(chunk);
    this.upgradeWatch = undefined;
    if (!verdict.upgraded) return this.toClient.receive(chunk);
    this.toClient.receive(chunk.subarray(0, verdict.headBytes));
    this.toServer.readFrames();
    this.toClient.readFrames();
    this.toClient.receive(chunk.subarray(verdict.headBytes));
  }

  /** A frame length no peer can send means the stream is garbage: end the pair, not the process. */
  private guard(forward: () => void) {
    try {
      forward();
    } catch {
      this.destroy();
    }
  }
}

export class FaultProxy {
  readonly url: string;
  private readonly pairs = new Set<ConnectionPair>();
  private readonly faults = new Faults();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on 127.0.0.1 on a free port and forwards every connection to `target`. */
  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Accept failures (EMFILE and the like) must not crash the test process.
    server.on('error', () => {});
    server.unref();
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('FaultProxy: no TCP address');
    return new FaultProxy(server, target, address.port);
  }

  /** Destroys every open connection pair at once (both sockets, abruptly). Counts 1 cut per call that destroyed at least one pair. */
  cut(): void {
    if (this.pairs.size === 0) return;
    this.faults.counts.cut += 1;
    for (const pair of [...this.pairs]) pair.destroy();
  }

  /** While true, new connections are accepted then destroyed at once (server unreachable). Counts 1 refuse per refused connection. */
  refuse(on: boolean): void {
    this.faults.refusing = on;
  }

  /** Adds latency to every forwarded chunk (or WebSocket frame) in a direction; 0 clears. Order per connection is kept. Counts 1 delay per call with ms > 0. */
  delay(direction: Direction | 'both', ms: number, jitterMs = 0): void {
    if (!(ms >= 0) || !(jitterMs >= 0)) throw new RangeError(`FaultProxy.delay: ms and jitterMs must be ≥ 0`);
    const latency = ms > 0 ? { ms, jitterMs } : { ms: 0, jitterMs: 0 };
    for (const d of direction === 'both' ? DIRECTIONS : [direction]) this.faults.latency[d] = latency;
    if (ms > 0) this.faults.counts.delay += 1;
  }

  /** Silently discards everything in one direction while sockets stay open (half-open link, one-way partition); null restores. Counts 1 drop per call with a direction. */
  drop(direction: Direction | null): void {
    this.faults.dropping = direction;
    if (direction) this.faults.counts.drop += 1;
  }

  /** The next `count` complete WebSocket frames in `direction` are forwarded twice, back to back (a whole socket.io packet delivered twice). Counts 1 duplicate per frame actually duplicated. */
  duplicateNext(direction: Direction, count = 1): void {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`FaultProxy.duplicateNext: count must be an integer ≥ 0`);
    this.faults.duplicates[direction] += count;
  }

  /** Open connection pairs now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** A snapshot: keep one to compare with a later one. */
  get counts(): FaultCounts {
    return { ...this.faults.counts };
  }

  /** Clears every standing fault (refuse, delay, drop, pending duplicates); counts stay. Frames already delayed still arrive. */
  heal(): void {
    this.faults.heal();
  }

  /** Closes the listener and every pair; resolves once every handle is released. */
  async close(): Promise<void> {
    // The callback gets an error when already closed; closed is what we want either way.
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const pairs = [...this.pairs];
    for (const pair of pairs) pair.destroy();
    await Promise.all([listenerClosed, ...pairs.map((pair) => pair.closed)]);
  }

  private accept(client: net.Socket) {
    client.on('error', () => {});
    if (this.faults.refusing) {
      this.faults.counts.refuse += 1;
      abort(client);
      return;
    }
    this.pairs.add(new ConnectionPair(client, this.target, this.faults, (pair) => this.pairs.delete(pair)));
  }
}
