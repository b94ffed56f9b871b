import { channelClass, isPublicChannel, type Channel } from '../../shared/domain';

const baseByChannel: Record<Channel, number> = {
  voice: 50,
  chat: 40,
  x_public: 30,
  facebook: 25,
  x_dm: 20,
  messenger: 20,
  email: 10,
};

/**
 * Priority 0–100 from what DESIGN.md names: channel, sentiment, public reach and listening rules.
 * A negative public post from someone with a big audience jumps the queue.
 */
export function priorityOf(input: {
  channel: Channel;
  sentiment: number;
  followers: number;
  ruleBoost: number;
}): number {
  let p = baseByChannel[input.channel];
  if (input.sentiment < 0) p += Math.round(Math.min(1, -input.sentiment * 4) * 15);
  if (isPublicChannel(input.channel) && input.followers > 0) {
    // 1k followers ≈ +9, 100k ≈ +15, 1M ≈ +18; more is capped.
    p += Math.min(20, Math.round(Math.log10(input.followers) * 3));
    if (input.sentiment < 0 && input.followers >= 10_000) p += 10;
  }
  p += input.ruleBoost;
  return Math.max(0, Math.min(100, p));
}

/** Base skills: the channel class every agent on that channel needs, plus a language skill. */
export function baseSkills(channel: Channel, language: string): string[] {
  const skills: string[] = [channelClass(channel)];
  if (language !== 'en' && language !== 'und') skills.push(`lang:${language}`);
  return skills;
}

/**
 * What an escalation adds. The queue ranks by SLA deadline minus one minute per priority point
 * (routing/queue.ts), so +20 puts an escalated conversation twenty minutes ahead of ordinary work
 * due at the same time: the customer already waited through one agent and should not queue again
 * behind new contacts. Twenty is also the most public reach adds, so a viral complaint (reach plus
 * its negative-sentiment kicker) still comes first. Capped at 100, the queue's range.
 */
export const ESCALATION_BOOST = 20;

export function escalatedPriority(priority: number): number {
  return Math.max(0, Math.min(100, priority + ESCALATION_BOOST));
}
