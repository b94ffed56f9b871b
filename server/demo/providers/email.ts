import MailComposer from 'nodemailer/lib/mail-composer';
import type { InteractionInput } from '../../../shared/ingest';
import { EMAIL_WEBHOOK_PATH } from '../../channels/email/webhook';
import { BRAND } from '../traffic';
import type { SignedRequest } from './signedRequest';

/**
 * The demo's email as an inbound-mail service would forward it: one traffic-generator email
 * interaction → raw MIME (multipart/alternative, text and HTML, built by nodemailer's MailComposer)
 * in a `POST /webhooks/email` with the bearer token. The generator's ids become Message-IDs; a
 * follow-up carries In-Reply-To and References naming the thread's first message (its threadKey),
 * so the adapter files it in the same thread, as a mail client's reply would be.
 */

export type { SignedRequest } from './signedRequest';

export interface EmailEncoderOptions {
  /** INBOUND_EMAIL_TOKEN of the backend the request goes to. */
  token: string;
  /** The support address the customer writes to (default the demo brand's). */
  to?: string;
}

/** The webhook request for an email interaction; null for any other channel. */
export async function encodeEmailInteraction(
  interaction: InteractionInput,
  options: EmailEncoderOptions,
): Promise<SignedRequest | null> {
  if (interaction.channel !== 'email') return null;
  const body = await rawEmail(interaction, options.to ?? metaString(interaction, 'to') ?? BRAND.supportEmail);
  return {
    method: 'POST',
    path: EMAIL_WEBHOOK_PATH,
    headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${options.token}` },
    body,
  };
}

/** The interaction as an RFC 5322 message. */
export function rawEmail(interaction: InteractionInput, to: string): Promise<string> {
  const messageId = bracket(interaction.providerMessageId);
  const root = bracket(interaction.threadKey);
  const parent = bracket(metaString(interaction, 'inReplyTo') ?? interaction.threadKey);
  const isReply = root !== messageId;
  const composer = new MailComposer({
    from: interaction.author.displayName
      ? { name: interaction.author.displayName, address: interaction.author.value }
      : interaction.author.value,
    to,
    subject: interaction.subject ?? '',
    date: new Date(interaction.occurredAt),
    messageId,
    ...(isReply ? { inReplyTo: parent, references: parent === root ? [root] : [root, parent] } : {}),
    text: interaction.text,
    html: asHtml(interaction.text),
  });
  return new Promise((resolve, reject) => {
    composer.compile().build((err, message) => (err ? reject(err) : resolve(message.toString('utf8'))));
  });
}

const bracket = (id: string): string => (id.startsWith('<') ? id : `<${id}>`);

function metaString(interaction: InteractionInput, key: string): string | null {
  const value = interaction.meta?.[key];
  return typeof value === 'string' && value ? value : null;
}

/** What a mail client's HTML part of a plain message looks like: one paragraph per block. */
function asHtml(text: string): string {
  const escape = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p>${escape(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body style="font-family: Arial, sans-serif">${paragraphs.join('\n')}</body></html>`;
}
