import type { Namespace, Server, Socket } from 'socket.io';
import { oneAtATime } from '../../../shared/oneAtATime';
import { ViewingSchema } from '../../../shared/protocol';
import type { Queryable } from '../../db/db';
import type { Viewer } from '../../sync/audience';
import { firstName, visitorRoom } from './visitorProtocol';

/** A conversation's chat visitor and assignee, remembered this long for typing. */
const LOOKUP_CACHE_MS = 5000;

/**
 * "Dana is typing…" in the widget: the agent client already tells the sync socket when its agent
 * types a reply (`viewing` with `typing`, for collision presence); when that agent is the assignee
 * of a chat, the visitor's tabs get `agent_typing` { typing, agentName }. Only listens: the sync
 * socket's own handling of `viewing` (and its answer) is unchanged. Returns a function that stops it.
 */
export function relayAgentTyping(
  io: Server,
  nsp: Namespace,
  db: Queryable,
  log: { warn(obj: object, msg?: string): void },
): () => void {
  const chats = new Map<string, { visitorId: string | null; assignee: string | null; at: number }>();
  const names = new Map<string, string>();

  const chatOf = async (conversationId: string) => {
    const cached = chats.get(conversationId);
    if (cached && Date.now() - cached.at < LOOKUP_CACHE_MS) return cached;
    const { rows } = await db.query<{ thread_key: string; channel: string; assigned_agent_id: string | null }>(
      'select thread_key, channel, assigned_agent_id from conversations where id = $1',
      [conversationId],
    );
    const row = rows[0];
    const chat = {
      visitorId: row?.channel === 'chat' ? row.thread_key : null,
      assignee: row?.assigned_agent_id ?? null,
      at: Date.now(),
    };
    if (chats.size > 10_000) chats.clear();
    chats.set(conversationId, chat);
    return chat;
  };

  const nameOf = async (agentId: string) => {
    let name = names.get(agentId);
    if (name === undefined) {
      const { rows } = await db.query<{ name: string }>('select name from agents where id = $1', [agentId]);
      name = firstName(rows[0]?.name ?? '');
      names.set(agentId, name);
    }
    return name;
  };

  const onConnection = (socket: Socket) => {
    const viewer = (socket.data as { viewer?: Viewer } | undefined)?.viewer;
    if (!viewer) return;
    const turn = oneAtATime();
    /** The visitor last told this agent is typing to them. */
    let typingTo: string | null = null;
    const stop = () => {
      if (typingTo) nsp.to(visitorRoom(typingTo)).emit('agent_typing', { typing: false });
      typingTo = null;
    };

    socket.on('viewing', (payload: unknown) => {
      const parsed = ViewingSchema.safeParse(payload);
      if (!parsed.success) return;
      turn(async () => {
        const { conversationId, typing } = parsed.data;
        const chat = conversationId && typing ? await chatOf(conversationId) : null;
        const visitorId = chat?.assignee === viewer.agentId ? chat.visitorId : null;
        if (typingTo !== visitorId) stop();
        if (visitorId && typingTo !== visitorId) {
          typingTo = visitorId;
          nsp
            .to(visitorRoom(visitorId))
            .emit('agent_typing', { typing: true, agentName: await nameOf(viewer.agentId) });
        }
      }).catch((err: unknown) => log.warn({ err }, 'could not tell a chat visitor the agent is typing'));
    });
    socket.on('disconnect', () => void turn(() => Promise.resolve(stop())));
  };

  io.on('connection', onConnection);
  return () => {
    io.off('connection', onConnection);
  };
}
