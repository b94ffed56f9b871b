import { z } from 'zod';
import type { Interaction } from '../../../shared/ingest';
import type { Db } from '../../db/db';
import { withChanges, type PendingChange } from '../../sync/changeLog';
import type { Spike } from './spikeDetector';

/**
 * A company alert for a listening spike, in one shape for the `alerts` row (its `detail`), the
 * change leads receive, and the JSON POSTed to SWITCHBOARD_ALERT_WEBHOOK_URL. The sample is a
 * customer's post: hostile text, shown as text only.
 */
export const SpikeAlertSchema = z.object({
  id: z.string(),
  kind: z.literal('spike'),
  /** The sample post's conversation, when the rule opened one. */
  conversationId: z.string().nullable(),
  ruleId: z.string(),
  ruleName: z.string(),
  message: z.string(),
  createdAt: z.iso.datetime(),
  spike: z.object({
    matches: z.number().int(),
    windowMinutes: z.number().int(),
    windowStart: z.iso.datetime(),
    baselineMatches: z.number().int(),
    baselineMinutes: z.number().int(),
    /** matches against the baseline's rate (a quiet hour counts as one match per window). */
    ratio: z.number(),
    threshold: z.number(),
    sample: z.object({
      channel: z.string(),
      provider: z.string(),
      providerMessageId: z.string(),
      author: z.string(),
      authorName: z.string().nullable(),
      followers: z.number().nullable(),
      text: z.string(),
      occurredAt: z.string(),
    }),
  }),
});
export type SpikeAlert = z.infer<typeof SpikeAlertSchema>;

/**
 * The outgoing webhook's body. `text` makes it readable as is by Slack- and Mattermost-style
 * incoming webhooks; `alert` carries the figures for anything else.
 */
export const AlertWebhookBodySchema = z.object({
  event: z.literal('company_alert'),
  text: z.string(),
  alert: SpikeAlertSchema,
});
export type AlertWebhookBody = z.infer<typeof AlertWebhookBodySchema>;

/** A sample long enough to tell what people say, short enough for a banner and a chat message. */
const SAMPLE_CHARS = 280;

/** "6×" from 6.2, "1.5×" from 1.5: the figure a lead reads at a glance. */
export function formatRatio(ratio: number): string {
  return ratio >= 3 ? `${Math.round(ratio)}×` : `${Number(ratio.toFixed(1))}×`;
}

/** Listening spike: "Viral complaint" — 23 posts in 10 min, 6× the last hour. */
export function describeSpike(ruleName: string, spike: Spike): string {
  const posts = `${spike.matches} ${spike.matches === 1 ? 'post' : 'posts'} in ${spike.windowMinutes} min`;
  const against =
    spike.baselineMatches === 0
      ? `none in the ${spike.baselineMinutes} min before`
      : `${formatRatio(spike.ratio)} the last ${spike.baselineMinutes === 60 ? 'hour' : `${spike.baselineMinutes} min`}`;
  return `Listening spike: "${ruleName}" — ${posts}, ${against}`;
}

export function buildSpikeAlert(
  rule: { id: string; name: string },
  spike: Spike,
  post: Interaction,
  conversationId: string | null,
  raisedAt: Date,
): SpikeAlert {
  const text = post.text.replace(/\s+/g, ' ').trim();
  return {
    id: crypto.randomUUID(),
    kind: 'spike',
    conversationId,
    ruleId: rule.id,
    ruleName: rule.name,
    message: describeSpike(rule.name, spike),
    createdAt: raisedAt.toISOString(),
    spike: {
      matches: spike.matches,
      windowMinutes: spike.windowMinutes,
      windowStart: new Date(spike.windowStart).toISOString(),
      baselineMatches: spike.baselineMatches,
      baselineMinutes: spike.baselineMinutes,
      ratio: Math.round(spike.ratio * 10) / 10,
      threshold: Math.round(spike.threshold * 10) / 10,
      sample: {
        channel: post.channel,
        provider: post.provider,
        providerMessageId: post.providerMessageId,
        author: post.author.value,
        authorName: post.author.displayName ?? null,
        followers: post.author.followers ?? null,
        text: text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS - 1)}…` : text,
        occurredAt: post.occurredAt,
      },
    },
  };
}

/** The sample post's conversation, if it opened or joined one (alert-only rules store no message). */
export async function sampleConversation(db: Db, post: Interaction): Promise<string | null> {
  const { rows } = await db.query<{ conversation_id: string }>(
    'select conversation_id from messages where provider = $1 and provider_message_id = $2',
    [post.provider, post.providerMessageId],
  );
  return rows[0]?.conversation_id ?? null;
}

/** Stores the alert and its change for leads (and admins) in one transaction; returns the change to push. */
export async function storeSpikeAlert(db: Db, alert: SpikeAlert): Promise<PendingChange[]> {
  const { changes } = await withChanges(db, async (tx, writer) => {
    await tx.query(
      'insert into alerts (id, kind, conversation_id, rule_id, message, created_at, detail) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        alert.id,
        alert.kind,
        alert.conversationId,
        alert.ruleId,
        alert.message,
        new Date(alert.createdAt),
        JSON.stringify({ ruleName: alert.ruleName, spike: alert.spike }),
      ],
    );
    writer.append('alert', alert.id, alert, { leads: true });
  });
  return changes;
}
