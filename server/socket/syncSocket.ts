import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { oneAtATime } from '../../shared/oneAtATime';
import {
  OpBatchSchema,
  PullRequestSchema,
  ViewingSchema,
  type Change,
  type Collision,
  type OpResult,
  type Viewing,
} from '../../shared/protocol';
import type { TokenIssuer } from '../auth/tokens';
import type { Db } from '../db/db';
import { canSee, roomsFor, roomsOf, type Viewer } from '../sync/audience';
import { pullChanges, type PendingChange } from '../sync/changeLog';
import { processOps, type Committed } from '../sync/processOps';
import { Collisions, mayView } from './collisions';

interface SocketData {
  viewer: Viewer;
  clientId: string;
  /** When the handshake token expires: after that the socket must reconnect with a fresh one. */
  expiresAt: number;
  /** The last change seq this socket's client is known to hold (after a pull or a push). */
  lastSent?: number;
  /** The viewer's display name, read once, for other agents' collision warnings. */
  name?: string;
  /** The last collision sent, so an unchanged list is not sent again. */
  lastCollision?: string;
}

interface ClientEvents {
  ops: (batch: unknown, ack: unknown) => void;
  pull: (request: unknown, ack: unknown) => void;
  viewing: (viewing: unknown, ack: unknown) => void;
}
interface ServerEvents {
  changes: (push: { changes: Change[]; prev: number }) => void;
  collision: (collision: Collision) => void;
}
type SyncSocket = Socket<ClientEvents, ServerEvents, Record<string, never>, SocketData>;

const HandshakeSchema = z.object({ token: z.string().min(1).max(8192), clientId: z.uuid() });

export interface SyncSocketDeps {
  io: Server;
  db: Db;
  tokens: TokenIssuer;
  now: () => number;
  onCommitted: (committed: Committed) => void;
  onConnect: (viewer: Viewer) => void;
  onDisconnect: (viewer: Viewer) => void;
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

type Ack = (answer: unknown) => void;

function socketError(code: string, message: string) {
  return { error: { code, message } };
}

/**
 * The sync socket (DESIGN.md): token in the handshake, `ops` and `pull` with acks, `changes`
 * pushed. Every event is parsed; a malformed one gets an error answer and the server stays up.
 */
export function attachSyncSocket(deps: SyncSocketDeps): { push(changes: PendingChange[]): void } {
  const { io } = deps;
  const collisions = new Collisions();

  /**
   * Tells every socket on these conversations who else is there (each without itself), skipping a
   * socket whose list did not change. One node: the viewer map is this process's. Several nodes
   * would fan out through the adapter's `conversation:<id>` rooms the sockets join below.
   */
  const announce = (conversationIds: readonly string[]) => {
    for (const conversationId of conversationIds) {
      for (const id of collisions.socketsOn(conversationId)) {
        const socket = io.sockets.sockets.get(id) as SyncSocket | undefined;
        if (!socket) continue;
        const collision = collisions.collisionFor(conversationId, id);
        const text = JSON.stringify(collision);
        if (socket.data.lastCollision === text) continue;
        socket.data.lastCollision = text;
        socket.emit('collision', collision);
      }
    }
  };

  io.use((socket, next) => {
    const handshake = HandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) {
      next(
        Object.assign(new Error('unauthorized'), {
          data: { code: 'unauthorized', message: 'Connect with auth { token, clientId }.' },
        }),
      );
      return;
    }
    void deps.tokens.verify(handshake.data.token, deps.now()).then((result) => {
      if (!result.ok) {
        next(
          Object.assign(new Error(result.code), {
            data: {
              code: result.code,
              message: result.code === 'token_expired' ? 'Refresh your token and reconnect.' : 'Sign in again.',
            },
          }),
        );
        return;
      }
      (socket as SyncSocket).data = {
        viewer: result.claims,
        clientId: handshake.data.clientId,
        expiresAt: result.expiresAt,
      };
      next();
    });
  });

  io.on('connection', (raw) => {
    const socket = raw as SyncSocket;
    const { viewer, clientId } = socket.data;
    void socket.join(roomsOf(viewer));
    deps.onConnect(viewer);

    /** An expired token ends the session on this socket: the client refreshes and reconnects. */
    const expired = (reply: Ack) => {
      if (deps.now() < socket.data.expiresAt) return false;
      reply(socketError('token_expired', 'Your session expired: refresh the token and reconnect.'));
      socket.disconnect(true);
      return true;
    };

    /** Events without an acknowledgement are ignored; a session that expired is ended first. */
    const withAck = (handle: (payload: unknown, reply: Ack) => void) => (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as Ack;
      if (!expired(reply)) handle(payload, reply);
    };

    socket.on(
      'ops',
      withAck((batch, reply) => {
        const parsed = OpBatchSchema.safeParse(batch);
        if (!parsed.success) {
          reply(
            socketError('invalid_batch', 'Send ops as an array of 1 to 500 ops, with an acknowledgement callback.'),
          );
          return;
        }
        processOps(
          deps.db,
          viewer,
          clientId,
          parsed.data,
          deps.onCommitted,
          () => new Date(deps.now()),
          () => socket.connected,
        )
          .then((results) => reply(results))
          .catch((err: Error & { partialResults?: OpResult[] }) => {
            // Infrastructure error: answer what was processed; the client keeps the rest pending.
            deps.log.error({ err, clientId }, 'ops batch stopped by an infrastructure error');
            reply(err.partialResults ?? []);
          });
      }),
    );

    socket.on(
      'pull',
      withAck((request, reply) => {
        const parsed = PullRequestSchema.safeParse(request);
        if (!parsed.success) {
          reply(socketError('invalid_pull', 'Send { cursor: number ≥ 0, limit?: 1–5000 }.'));
          return;
        }
        pullChanges(deps.db, viewer, parsed.data.cursor, parsed.data.limit)
          .then((answer) => {
            if ('changes' in answer && !answer.more) socket.data.lastSent = answer.cursor;
            reply(answer);
          })
          .catch((err: unknown) => {
            deps.log.error({ err }, 'pull failed');
            reply(socketError('unavailable', 'The server could not read changes; retry shortly.'));
          });
      }),
    );

    /**
     * Collision presence, one event at a time per socket: an authorisation still being read must
     * not land after a newer view, nor after the disconnect that cleared this socket.
     */
    const viewingTurn = oneAtATime();
    const view = async (next: Viewing): Promise<unknown> => {
      const current = collisions.viewing(socket.id);
      if (!socket.connected) return { ok: true };
      if (next.conversationId === null) {
        leave(current?.conversationId);
        return { ok: true };
      }
      if (current?.conversationId !== next.conversationId) {
        const allowed = await mayView(deps.db, viewer, next.conversationId);
        if (!allowed.ok) {
          // The window moved on from what it viewed before, to something it may not see: it views nothing.
          leave(current?.conversationId);
          return socketError(allowed.code, allowed.message);
        }
        socket.data.name ??=
          (await deps.db.query<{ name: string }>('select name from agents where id = $1', [viewer.agentId])).rows[0]
            ?.name ?? 'Another agent';
        if (!socket.connected) return { ok: true };
        if (current) void socket.leave(`conversation:${current.conversationId}`);
        void socket.join(`conversation:${next.conversationId}`);
      }
      announce(
        collisions.set(socket.id, {
          agentId: viewer.agentId,
          name: socket.data.name ?? 'Another agent',
          conversationId: next.conversationId,
          typing: next.typing,
        }),
      );
      return { ok: true };
    };
    const leave = (conversationId: string | undefined) => {
      if (conversationId) void socket.leave(`conversation:${conversationId}`);
      socket.data.lastCollision = undefined;
      announce(collisions.set(socket.id, null));
    };

    socket.on(
      'viewing',
      withAck((payload, reply) => {
        const parsed = ViewingSchema.safeParse(payload);
        if (!parsed.success) {
          reply(socketError('invalid_viewing', 'Send { conversationId: string or null, typing: boolean }.'));
          return;
        }
        viewingTurn(() => view(parsed.data)).then(reply, (err: unknown) => {
          deps.log.error({ err }, 'viewing failed');
          reply(socketError('unavailable', 'The server could not check this conversation; retry shortly.'));
        });
      }),
    );

    socket.on('disconnect', () => {
      deps.onDisconnect(viewer);
      void viewingTurn(() => Promise.resolve(leave(collisions.viewing(socket.id)?.conversationId))).catch(
        () => undefined,
      );
    });
  });

  return {
    /**
     * Pushes committed changes to the sockets allowed to see them. Each push names the seq the
     * socket held before it (`prev`): a client whose cursor differs pulls instead.
     */
    push(changes: PendingChange[]) {
      if (!changes.length) return;
      const perSocket = new Map<string, Change[]>();
      const rooms = io.sockets.adapter.rooms;
      for (const { change, audience } of changes) {
        const targets = new Set<string>();
        for (const room of roomsFor(audience)) for (const id of rooms.get(room) ?? []) targets.add(id);
        for (const id of targets) {
          const socket = io.sockets.sockets.get(id) as SyncSocket | undefined;
          if (!socket || !canSee(socket.data.viewer, audience)) continue;
          // Nothing more for a session whose token ran out; its client reconnects with a new one.
          if (deps.now() >= socket.data.expiresAt) {
            socket.disconnect(true);
            continue;
          }
          const list = perSocket.get(id) ?? [];
          list.push(change);
          perSocket.set(id, list);
        }
      }
      for (const [id, list] of perSocket) {
        const socket = io.sockets.sockets.get(id) as SyncSocket | undefined;
        if (!socket) continue;
        const prev = socket.data.lastSent ?? -1;
        socket.emit('changes', { changes: list, prev });
        if (socket.data.lastSent !== undefined) socket.data.lastSent = list.at(-1)!.seq;
      }
    },
  };
}
