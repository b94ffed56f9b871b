import type { Namespace, Server, Socket } from 'socket.io';
import type { InteractionInput } from '../../../shared/ingest';
import { describeIssues } from '../../../shared/settings';
import type { ChannelContext } from '../types';
import { RateLimiter } from './rateLimit';
import { chatHistory, openChatOf, type OpenChat } from './visitorConversation';
import {
  VisitorHandshakeSchema,
  VisitorMessageSchema,
  VisitorTypingSchema,
  visitorRoom,
  type HistoryAck,
  type MessageAck,
  type Visitor,
} from './visitorProtocol';

interface VisitorSocketData {
  visitor: Visitor;
  /** Whether the assigned agent was last told this visitor is typing. */
  typing: boolean;
}
type VisitorSocket = Socket<
  Record<string, (...args: unknown[]) => void>,
  Record<string, never>,
  Record<string, never>,
  VisitorSocketData
>;

/** Agents' sockets (the default namespace) join `agent:<id>` (server/sync/audience.ts roomsOf). */
const agentRoom = (agentId: string) => `agent:${agentId}`;

/** How long the visitor's assignee is remembered for typing: a transfer shows within this. */
const ASSIGNEE_CACHE_MS = 5000;

export interface VisitorLimits {
  /** Messages per second per visitor (all their tabs), and the burst allowed. */
  messagesPerSecond: number;
  messageBurst: number;
}

export const DEFAULT_VISITOR_LIMITS: VisitorLimits = { messagesPerSecond: 5, messageBurst: 5 };

/**
 * The visitors' side of web chat on `/chat`: a handshake with the visitor's id, name and email;
 * `message` stored through the ingestion path (one conversation per visitor, routed like any chat);
 * `typing` relayed to the assigned agent's sockets as `customer_typing`; `history` for a reload.
 */
export function attachVisitorSockets(io: Server, nsp: Namespace, ctx: ChannelContext, limits = DEFAULT_VISITOR_LIMITS) {
  const messages = new RateLimiter(limits.messagesPerSecond, limits.messageBurst, ctx.now);
  // Typing and history are cheap for the widget to send and cost a query here: bounded per socket.
  const chatter = new RateLimiter(4, 8, ctx.now);
  const assignees = new Map<string, { chat: OpenChat | null; at: number }>();

  const assigneeOf = async (visitorId: string): Promise<OpenChat | null> => {
    const cached = assignees.get(visitorId);
    if (cached && ctx.now() - cached.at < ASSIGNEE_CACHE_MS) return cached.chat;
    const chat = await openChatOf(ctx.db, visitorId);
    if (assignees.size > 10_000) assignees.clear();
    assignees.set(visitorId, { chat, at: ctx.now() });
    return chat;
  };

  const tellAgent = async (visitorId: string, typing: boolean) => {
    const chat = await assigneeOf(visitorId);
    if (!chat?.assignedAgentId) return;
    io.of('/')
      .to(agentRoom(chat.assignedAgentId))
      .emit('customer_typing', { conversationId: chat.conversationId, typing });
  };

  nsp.use((socket, next) => {
    const parsed = VisitorHandshakeSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      const message = `Connect with auth { visitorId: the UUID the widget keeps, name: 1–100 characters, email?: an address }: ${describeIssues(parsed.error)}`;
      ctx.health.refused('chat', 'malformed', message);
      next(Object.assign(new Error('invalid_handshake'), { data: { code: 'invalid_handshake', message } }));
      return;
    }
    (socket as VisitorSocket).data = { visitor: parsed.data, typing: false };
    next();
  });

  nsp.on('connection', (raw) => {
    const socket = raw as VisitorSocket;
    const { visitor } = socket.data;
    void socket.join(visitorRoom(visitor.visitorId));

    socket.on('message', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: MessageAck) => void;
      const parsed = VisitorMessageSchema.safeParse(payload);
      if (!parsed.success) {
        const error = `Not sent: send { clientMessageId, text } (${describeIssues(parsed.error)}).`;
        ctx.health.refused('chat', 'malformed', error);
        reply({ ok: false, error, retryable: false });
        return;
      }
      if (!messages.take(visitor.visitorId)) {
        reply({
          ok: false,
          error: 'You are sending messages too quickly: wait a second, then send again.',
          retryable: true,
        });
        return;
      }
      receiveMessage(ctx, visitor, parsed.data).then(
        (answer) => {
          // The message may have opened (or reopened) the chat: look its assignee up afresh.
          assignees.delete(visitor.visitorId);
          reply(answer);
        },
        (err: unknown) => {
          ctx.log.error({ err, visitorId: visitor.visitorId }, 'chat message could not be stored');
          reply({
            ok: false,
            error: 'Your message could not be sent just now; it will be tried again.',
            retryable: true,
          });
        },
      );
      if (socket.data.typing) {
        socket.data.typing = false;
        void tellAgent(visitor.visitorId, false).catch(() => undefined);
      }
    });

    socket.on('typing', (payload: unknown) => {
      const parsed = VisitorTypingSchema.safeParse(payload);
      if (!parsed.success || !chatter.take(socket.id)) return;
      socket.data.typing = parsed.data.typing;
      tellAgent(visitor.visitorId, parsed.data.typing).catch((err: unknown) =>
        ctx.log.warn({ err }, 'could not tell the agent a visitor is typing'),
      );
    });

    socket.on('history', (_payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (answer: HistoryAck) => void;
      if (!chatter.take(socket.id)) {
        reply({ ok: false, error: 'Too many requests: wait a second and reload the chat.' });
        return;
      }
      chatHistory(ctx.db, visitor.visitorId).then(
        (history) => reply({ ok: true, ...history }),
        (err: unknown) => {
          ctx.log.error({ err }, 'chat history could not be read');
          reply({ ok: false, error: 'The conversation could not be loaded; reload the page in a moment.' });
        },
      );
    });

    socket.on('disconnect', () => {
      if (socket.data.typing) void tellAgent(visitor.visitorId, false).catch(() => undefined);
    });
  });
}

/** The visitor's message through the ingestion path: their one conversation, routed like any chat. */
async function receiveMessage(
  ctx: ChannelContext,
  visitor: Visitor,
  message: { clientMessageId: string; text: string },
): Promise<MessageAck> {
  const interaction: InteractionInput = {
    provider: 'chat',
    // The widget resends a message whose answer it did not get: the same id is a duplicate.
    providerMessageId: `${visitor.visitorId}:${message.clientMessageId}`,
    channel: 'chat',
    threadKey: visitor.visitorId,
    kind: 'message',
    author: { kind: 'chat_visitor', value: visitor.visitorId, displayName: visitor.name },
    text: message.text,
    occurredAt: new Date(ctx.now()).toISOString(),
    meta: { visitorId: visitor.visitorId, email: visitor.email ?? null },
  };
  const outcome = await ctx.ingest('chat', [interaction]);
  if (outcome.status === 'overloaded') {
    return { ok: false, error: 'We are very busy: your message will be sent again in a moment.', retryable: true };
  }
  if (outcome.status === 'invalid') {
    ctx.health.refused('chat', 'malformed', outcome.reason);
    return { ok: false, error: `Not sent: ${outcome.reason}`, retryable: false };
  }
  ctx.health.event('chat', false);
  const stored = outcome.results[0]!;
  return { ok: true, messageId: stored.messageId ?? '' };
}
