import { z } from 'zod';

/**
 * What the agent is writing in a conversation, kept for this window's session so switching
 * conversations (or reloading) does not lose it. Not synced: a refused reply's draft lives in
 * `db.drafts` instead.
 */
export const ComposerDraftSchema = z.object({
  mode: z.enum(['reply', 'note']),
  visibility: z.enum(['public', 'private']),
  /** Answering by email instead of on the conversation's channel. */
  via: z.literal('email').optional(),
  reply: z.string(),
  note: z.string(),
  /** The approved answer in use and its text as inserted (to tell hand edits from it). */
  chosen: z.object({ templateId: z.string(), text: z.string() }).nullable(),
});
export type ComposerDraft = z.infer<typeof ComposerDraftSchema>;

export function draftKey(agentId: string, conversationId: string): string {
  return `switchboard:composer:${agentId}:${conversationId}`;
}

export function loadDraft(key: string): ComposerDraft | null {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const parsed = ComposerDraftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: ComposerDraft): void {
  try {
    if (!draft.reply && !draft.note && !draft.chosen) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage refused (private mode, quota): the draft lives in memory only.
  }
}
