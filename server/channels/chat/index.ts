import type { FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import type { ChannelContext, ChannelSender } from '../types';
import { relayAgentTyping } from './agentTyping';
import { chatSender } from './chatSender';
import { attachVisitorSockets, DEFAULT_VISITOR_LIMITS, type VisitorLimits } from './visitorSockets';
import { registerWidgetRoutes } from './widgetRoutes';

export const CHAT_NAMESPACE = '/chat';

/**
 * Web chat: the visitors' socket.io namespace `/chat` on the backend's server (`io`), the widget
 * and its demo page over HTTP, typing relayed both ways, and the sender for agents' replies.
 */
export function attachChatChannel(
  app: FastifyInstance,
  io: Server,
  ctx: ChannelContext,
  limits: VisitorLimits = DEFAULT_VISITOR_LIMITS,
): Promise<{ sender: ChannelSender; close(): Promise<void> }> {
  const nsp = io.of(CHAT_NAMESPACE);
  attachVisitorSockets(io, nsp, ctx, limits);
  const stopRelay = relayAgentTyping(io, nsp, ctx.db, ctx.log);
  registerWidgetRoutes(app);
  return Promise.resolve({
    sender: chatSender(nsp, ctx),
    close: () => {
      stopRelay();
      nsp.disconnectSockets(true);
      return Promise.resolve();
    },
  });
}
