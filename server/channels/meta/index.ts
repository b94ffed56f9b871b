import type { FastifyInstance } from 'fastify';
import type { ChannelContext, ChannelSender } from '../types';
import { createGraphSender } from './graphSender';
import { registerMetaWebhook } from './webhook';

/** Facebook page comments and visitor posts, and Messenger: one Meta app webhook in, the Graph API out. */
export async function registerMetaChannel(app: FastifyInstance, ctx: ChannelContext): Promise<void> {
  await registerMetaWebhook(app, ctx);
}

export function createMetaSender(ctx: ChannelContext): ChannelSender {
  return createGraphSender(ctx);
}
