import { z } from 'zod';
import { ChannelSchema, ConversationStatusSchema, PresenceSchema } from '../../shared/domain';
import { TONES, type Renderings } from '../../shared/tones';

/**
 * The mirror rows the conversation view reads, parsed: they came from the network. Loose objects
 * (unknown fields kept) with defaults for fields that may be missing, so a newer server or an
 * optimistic row never breaks the view; a row without what it must have is left out.
 */

const text = z.string().catch('');
const maybeText = z.string().nullable().catch(null);
const count = z.number().catch(0);

export const ConversationSchema = z.looseObject({
  id: z.string(),
  customerId: maybeText,
  channel: ChannelSchema,
  status: ConversationStatusSchema,
  subject: maybeText,
  priority: count,
  sentiment: count,
  reach: count,
  assignedAgentId: maybeText,
  /** Compare-and-set for transfers (DESIGN.md server side 3). */
  version: z.number().int().min(0).optional().catch(undefined),
  skills: z.array(z.string()).catch([]),
  disposition: maybeText,
  firstResponseAt: maybeText,
  firstResponseDue: maybeText,
  nextResponseDue: maybeText,
  resolutionDue: maybeText,
  lastInboundAt: maybeText,
  createdAt: maybeText,
  resolvedAt: maybeText,
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const MessageSchema = z.looseObject({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'note', 'transcript']),
  visibility: z.enum(['public', 'private']),
  authorAgentId: maybeText,
  speaker: maybeText,
  body: text,
  templateId: maybeText,
  createdAt: maybeText,
  /** `email`: a reply sent by email instead of on the conversation's channel. */
  via: maybeText,
  /** A reply's way out to the provider: pending, sent or failed; null when not sent out. */
  delivery: z.enum(['pending', 'sent', 'failed']).nullish().catch(null),
  /** Why the provider did not take it (or is still being retried), in the agent's words. */
  deliveryError: maybeText,
  /** Files that came with an email; their list and bytes are fetched from the server when asked. */
  attachmentCount: z.number().int().min(0).catch(0).default(0),
});
export type Message = z.infer<typeof MessageSchema>;

export const CustomerSchema = z.looseObject({
  id: z.string(),
  displayName: text,
  profile: z.record(z.string(), z.unknown()).catch({}),
  mergedInto: maybeText,
});
export type Customer = z.infer<typeof CustomerSchema>;

export const IdentitySchema = z.looseObject({
  id: z.string(),
  customerId: z.string(),
  kind: text,
  value: text,
  displayName: maybeText,
  followers: z.number().nullable().catch(null),
  evidence: z.array(z.unknown()).catch([]),
  /** Set by the optimistic effect of `customer.unlink` until the server answers. */
  unlinking: z.boolean().catch(false),
});
export type Identity = z.infer<typeof IdentitySchema>;

export const SuggestionSchema = z.looseObject({
  id: z.string(),
  customerId: z.string(),
  otherCustomerId: z.string(),
  evidence: z.array(z.unknown()).catch([]),
  status: text,
});
export type Suggestion = z.infer<typeof SuggestionSchema>;

export const AgentSchema = z.looseObject({
  id: z.string(),
  name: text,
  role: text,
  /** Absent for colleagues: the directory everyone gets has no presence (it changes all day). */
  presence: PresenceSchema.optional().catch(undefined),
  skills: z.record(z.string(), z.unknown()).catch({}),
});
export type Agent = z.infer<typeof AgentSchema>;

/** Only the tones the composer knows, and only as text. */
const RenderingsSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((raw): Renderings => {
    const out: Renderings = {};
    for (const tone of TONES) {
      const value = raw[tone];
      if (typeof value === 'string') out[tone] = value;
    }
    return out;
  });

export const TemplateSchema = z.looseObject({
  id: z.string(),
  topic: text,
  title: z.string(),
  renderings: RenderingsSchema,
});
export type Template = z.infer<typeof TemplateSchema>;

export function parseRow<S extends z.ZodType>(schema: S, row: unknown): z.infer<S> | null {
  const parsed = schema.safeParse(row);
  return parsed.success ? parsed.data : null;
}

export function parseRows<S extends z.ZodType>(schema: S, rows: readonly unknown[]): z.infer<S>[] {
  return rows.flatMap((row) => {
    const parsed = schema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Epoch milliseconds of an ISO timestamp, or null. */
export function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}
