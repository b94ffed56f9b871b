import type { FastifyInstance } from 'fastify';
import type { ChannelContext } from '../types';
import { registerXWebhook } from './webhook';

/** X (Twitter): the account-activity webhook in, replies out through the X API v2. */
export async function registerXChannel(app: FastifyInstance, ctx: ChannelContext): Promise<void> {
  await registerXWebhook(app, ctx);
}

export { createXSender } from './sender';
