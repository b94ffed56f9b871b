import type { InteractionInput } from '../../../shared/ingest';
import type { ServerConfig } from '../../config';
import { chatSessions, type ChatVisitorSession } from './chat';
import { encodeCtiCalls } from './cti';
import { encodeEmailInteraction } from './email';
import { encodeMetaInteraction } from './meta';
import type { SignedRequest } from './signedRequest';
import { encodeXInteraction } from './x';

/** The secrets the providers sign with, as the backend being fed is configured. */
export type ProviderSecrets = Pick<
  ServerConfig,
  'X_CONSUMER_SECRET' | 'X_ACCOUNT_ID' | 'META_APP_SECRET' | 'META_PAGE_ID' | 'INBOUND_EMAIL_TOKEN' | 'CTI_TOKEN'
>;

/** What a provider does for one piece of demo traffic: call a webhook, or (web chat) a visitor session. */
export type ProviderStep = { kind: 'request'; request: SignedRequest } | { kind: 'chat'; session: ChatVisitorSession };

/**
 * One generated event (a post, a DM, an email, a whole call, a chat session…) as its provider would
 * deliver it: signed webhook requests in order, or the visitor's chat session. Interactions of a
 * channel no encoder knows are left out (none today).
 */
export async function providerSteps(
  event: readonly InteractionInput[],
  secrets: ProviderSecrets,
): Promise<ProviderStep[]> {
  const steps: ProviderStep[] = [];
  const calls = event.filter((i) => i.channel === 'voice');
  const chats = event.filter((i) => i.channel === 'chat');
  for (const interaction of event) {
    if (interaction.channel === 'voice' || interaction.channel === 'chat') continue;
    const request =
      encodeXInteraction(interaction, { consumerSecret: secrets.X_CONSUMER_SECRET, accountId: secrets.X_ACCOUNT_ID }) ??
      encodeMetaInteraction(interaction, { appSecret: secrets.META_APP_SECRET, pageId: secrets.META_PAGE_ID }) ??
      (await encodeEmailInteraction(interaction, { token: secrets.INBOUND_EMAIL_TOKEN }));
    if (request) steps.push({ kind: 'request', request });
  }
  for (const request of encodeCtiCalls(calls, { token: secrets.CTI_TOKEN })) steps.push({ kind: 'request', request });
  for (const session of chatSessions(chats)) steps.push({ kind: 'chat', session });
  return steps;
}
