import { z } from 'zod';

/** Domain names of DESIGN.md, shared by the backend, the sync engine and the UI. */

export const ChannelSchema = z.enum(['x_public', 'x_dm', 'facebook', 'messenger', 'email', 'voice', 'chat']);
export type Channel = z.infer<typeof ChannelSchema>;

/** Capacity is counted per class: social posts and DMs share one budget, as agents experience them. */
export const ChannelClassSchema = z.enum(['voice', 'chat', 'social', 'email']);
export type ChannelClass = z.infer<typeof ChannelClassSchema>;

export function channelClass(channel: Channel): ChannelClass {
  switch (channel) {
    case 'voice':
      return 'voice';
    case 'chat':
      return 'chat';
    case 'email':
      return 'email';
    default:
      return 'social';
  }
}

/** Public channels: whatever is written there is seen by everyone, and reach matters. */
export function isPublicChannel(channel: Channel): boolean {
  return channel === 'x_public' || channel === 'facebook';
}

export const ConversationStatusSchema = z.enum(['queued', 'offered', 'assigned', 'wrap_up', 'resolved', 'reopened']);
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>;

export const PresenceSchema = z.enum(['available', 'busy', 'after_call_work', 'away', 'offline']);
export type Presence = z.infer<typeof PresenceSchema>;

export const RoleSchema = z.enum(['agent', 'lead', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const IdentityKindSchema = z.enum(['x_handle', 'facebook_id', 'email', 'phone', 'chat_visitor']);
export type IdentityKind = z.infer<typeof IdentityKindSchema>;

export const CapacitySchema = z.object({
  voice: z.number().int().min(0).max(1),
  chat: z.number().int().min(0).max(10),
  social: z.number().int().min(0).max(20),
  email: z.number().int().min(0).max(50),
});
export type Capacity = z.infer<typeof CapacitySchema>;

/** Skill name → level 1 (basic) … 5 (expert). */
export const SkillsSchema = z.record(z.string().min(1).max(64), z.number().int().min(1).max(5));
export type Skills = z.infer<typeof SkillsSchema>;

/**
 * An ISO timestamp with an offset whose UTC year is 1–9999: what both PGlite and PostgreSQL can
 * store (the ISO pattern alone allows year 0000, and an offset can push 9999-12-31 into 10000).
 */
export const TimestampSchema = z.iso.datetime({ offset: true }).refine((value) => {
  const year = new Date(value).getUTCFullYear();
  return year >= 1 && year <= 9999;
}, 'a date between the years 1 and 9999');

/**
 * Wrap-up outcomes an agent picks from (the server refuses any other code): a fixed list so
 * reports can count them, with the label the UI shows.
 */
export const DISPOSITIONS = [
  { code: 'resolved_first_contact', label: 'Resolved on first contact' },
  { code: 'resolved_follow_up', label: 'Resolved after follow-up' },
  { code: 'refund_issued', label: 'Refund issued' },
  { code: 'information_given', label: 'Information given' },
  { code: 'escalated', label: 'Escalated' },
  { code: 'complaint_logged', label: 'Complaint logged' },
  { code: 'no_response', label: 'No response from customer' },
  { code: 'spam', label: 'Spam' },
  { code: 'duplicate', label: 'Duplicate' },
  { code: 'other', label: 'Other' },
] as const satisfies readonly { code: string; label: string }[];
export type DispositionCode = (typeof DISPOSITIONS)[number]['code'];

export function isDispositionCode(code: string): code is DispositionCode {
  return DISPOSITIONS.some((d) => d.code === code);
}
