import type { FastifyBaseLogger } from 'fastify';
import type { Channel, IdentityKind } from '../../shared/domain';
import type { InteractionInput } from '../../shared/ingest';
import type { ServerConfig } from '../config';
import type { Db } from '../db/db';
import type { PendingChange } from '../sync/changeLog';
import type { ConnectorHealth, ConnectorName } from './health';

/**
 * What every channel adapter gets from the backend: its configuration, the database, connector
 * health, and the one ingestion path (`POST /api/ingest` uses the same), so an adapter only
 * verifies, parses and maps its provider's payloads.
 */
export interface ChannelContext {
  config: ServerConfig;
  db: Db;
  health: ConnectorHealth;
  log: FastifyBaseLogger;
  now: () => number;
  /** Sends committed change-log rows to the agents' sockets (after `withChanges` returns them). */
  push(changes: PendingChange[]): void;
  /**
   * Stores interactions in order through the ingestion path, after parsing each with
   * InteractionSchema. Answers `overloaded` before storing anything when the server sheds load
   * (the adapter answers 429 with Retry-After, the provider redelivers), and `invalid` with the
   * schema's reason when one does not parse (the adapter answers 400); nothing is stored then.
   */
  ingest(connector: ConnectorName, interactions: readonly InteractionInput[]): Promise<IngestBatchOutcome>;
}

export type IngestBatchOutcome =
  { status: 'stored'; results: IngestResult[] } | { status: 'overloaded' } | { status: 'invalid'; reason: string };

export interface IngestResult {
  status: 'accepted' | 'duplicate';
  conversationId: string | null;
  messageId: string | null;
}

/** One agent reply to send out, with what the provider needs to thread it. */
export interface OutboundReply {
  deliveryId: string;
  messageId: string;
  conversationId: string;
  /** The conversation's own channel. */
  conversationChannel: Channel;
  /** The channel it goes out on: the conversation's, or `email` for a social thread answered by email. */
  channel: Channel;
  visibility: 'public' | 'private';
  body: string;
  threadKey: string;
  subject: string | null;
  /** The customer's identity on `channel` (for email: their address). */
  recipient: { kind: IdentityKind; value: string; displayName: string | null };
  /** The customer's newest inbound message on this conversation: what a reply answers. */
  inReplyTo: { providerMessageId: string; meta: Record<string, unknown> } | null;
  /** Provider message ids of the thread, oldest first (email References). */
  threadMessageIds: string[];
  /** When the customer last wrote (Messenger's messaging window). */
  lastInboundAt: Date | null;
  agent: { id: string; name: string };
  /** How many times this delivery was tried before (0 on the first). */
  attempt: number;
}

/** What the provider answered: its id of the sent message, stored on the message. */
export interface SendResult {
  providerMessageId: string;
  meta?: Record<string, string | number | boolean | null>;
}

/** Sends replies out on one or more channels. */
export interface ChannelSender {
  readonly connector: ConnectorName;
  readonly channels: readonly Channel[];
  send(reply: OutboundReply): Promise<SendResult>;
  close?(): Promise<void>;
}

/**
 * A send that failed. `retryable`: the provider was unreachable, rate-limited or failed on its side
 * (5xx), so the same request may succeed later; otherwise (4xx, a closed messaging window) it never
 * will, and the agent is told `message`.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: string = retryable ? 'provider_unavailable' : 'provider_refused',
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
