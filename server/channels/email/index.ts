import type { FastifyInstance } from 'fastify';
import type { ChannelContext } from '../types';
import { createEmailReceiver } from './receiveEmail';
import { registerEmailWebhook } from './webhook';

/**
 * Email: raw MIME in (`POST /webhooks/email` and IMAP polling), replies out over SMTP.
 * parseEmail → threading → ingest → attachments (receiveEmail.ts) is the one inbound path.
 */
export async function registerEmailChannel(app: FastifyInstance, ctx: ChannelContext): Promise<void> {
  await registerEmailWebhook(app, ctx, createEmailReceiver(ctx));
}

export { createEmailSender } from './smtpSender';
export { startImapPolling } from './imapPolling';
