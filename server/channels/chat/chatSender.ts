import type { Namespace } from 'socket.io';
import type { ChannelContext, ChannelSender, OutboundReply, SendResult } from '../types';
import { DeliveryError } from '../types';
import { firstName, visitorRoom, type AgentMessage } from './visitorProtocol';

/**
 * Sends an agent's chat reply to the visitor's open tabs. A visitor who is offline still has it
 * "sent": the reply is stored, and the widget shows it with `history` when they come back.
 */
export function chatSender(nsp: Namespace, ctx: Pick<ChannelContext, 'now'>): ChannelSender {
  return {
    connector: 'chat',
    channels: ['chat'],
    send(reply: OutboundReply): Promise<SendResult> {
      if (reply.recipient.kind !== 'chat_visitor') {
        return Promise.reject(
          new DeliveryError(
            'This conversation has no chat visitor to send to; answer by email instead.',
            false,
            'no_recipient',
          ),
        );
      }
      const message: AgentMessage = {
        messageId: reply.messageId,
        text: reply.body,
        agentName: firstName(reply.agent.name),
        at: new Date(ctx.now()).toISOString(),
      };
      nsp.to(visitorRoom(reply.recipient.value)).emit('message', message);
      return Promise.resolve({ providerMessageId: reply.messageId });
    },
  };
}
