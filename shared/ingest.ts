import { z } from 'zod';
import { ChannelSchema, IdentityKindSchema, TimestampSchema } from './domain';

/**
 * One interaction of any channel, as the channel adapters and the simulator post it to
 * `POST /api/ingest`. Idempotent on (provider, providerMessageId).
 */
export const InteractionSchema = z
  .object({
    provider: z.string().min(1).max(32),
    providerMessageId: z.string().min(1).max(512),
    channel: ChannelSchema,
    /** The provider's thread: a tweet conversation id, a DM thread, an email's root Message-ID, a call id. */
    threadKey: z.string().min(1).max(512),
    kind: z.enum(['message', 'transcript']).default('message'),
    author: z
      .object({
        kind: IdentityKindSchema,
        value: z.string().min(1).max(320),
        displayName: z.string().max(200).optional(),
        /** Reach on public channels. */
        followers: z.number().int().min(0).max(1e10).optional(),
      })
      .strict(),
    text: z.string().max(100_000),
    subject: z.string().max(1000).optional(),
    /** For call transcripts: who spoke. */
    speaker: z.enum(['customer', 'agent', 'system']).optional(),
    occurredAt: TimestampSchema,
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();
export type Interaction = z.infer<typeof InteractionSchema>;
export type InteractionInput = z.input<typeof InteractionSchema>;

export const IngestResponseSchema = z.object({
  status: z.enum(['accepted', 'duplicate']),
  conversationId: z.string(),
  messageId: z.string(),
});
