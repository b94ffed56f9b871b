import type { Channel } from './domain';
import { fillTemplate, type FilledTemplate } from './replyChecks';

/** The tones an approved answer is written in (DESIGN.md: Template / Answer). */
export const TONES = ['phone_script', 'email', 'public_social', 'private_social', 'chat'] as const;
export type Tone = (typeof TONES)[number];

export const TONE_LABELS: Record<Tone, string> = {
  phone_script: 'Phone script',
  email: 'Formal email',
  public_social: 'Public post',
  private_social: 'Private message',
  chat: 'Chat',
};

/**
 * The tone a reply takes from where it goes: a public post on X or Facebook is short and public,
 * a DM or Messenger reply private, an email formal, a call a script to read out.
 */
export function toneFor(channel: Channel, visibility: 'public' | 'private'): Tone {
  switch (channel) {
    case 'x_public':
    case 'facebook':
      return visibility === 'public' ? 'public_social' : 'private_social';
    case 'x_dm':
    case 'messenger':
      return 'private_social';
    case 'email':
      return 'email';
    case 'voice':
      return 'phone_script';
    case 'chat':
      return 'chat';
  }
}

export type Renderings = Partial<Record<Tone, string>>;

/**
 * One approved answer in the tone asked for, variables filled. Switching the reply from a public
 * post to a private message (or social to email) calls this again with the new tone.
 */
export function renderAnswer(
  renderings: Renderings,
  tone: Tone,
  values: Readonly<Record<string, string | null | undefined>>,
): (FilledTemplate & { tone: Tone }) | { tone: Tone; unavailable: string } {
  const text = renderings[tone];
  if (!text) {
    return {
      tone,
      unavailable: `This answer has no ${TONE_LABELS[tone].toLowerCase()} version yet; ask a lead to add one.`,
    };
  }
  return { tone, ...fillTemplate(text, values) };
}
