import { useLiveQuery } from 'dexie-react-hooks';
import { z } from 'zod';
import { ChannelSchema } from '../../shared/domain';
import type { SyncHandle } from '../sync/ui/syncContext';

/**
 * A listening spike as the change log mirrors it (server/channels/listening/spikeAlert.ts): the
 * figures and one sample post. Rows that do not parse are skipped, never shown half-read.
 */
export const MirroredSpikeAlertSchema = z.object({
  id: z.string(),
  kind: z.literal('spike'),
  conversationId: z.string().nullable(),
  ruleName: z.string(),
  message: z.string(),
  createdAt: z.string(),
  spike: z.object({
    matches: z.number(),
    windowMinutes: z.number(),
    sample: z.object({
      /** null: a channel this version does not know (the post still shows). */
      channel: ChannelSchema.nullable().catch(null),
      author: z.string(),
      authorName: z.string().nullable(),
      text: z.string(),
    }),
  }),
});
export type SpikeAlertView = z.infer<typeof MirroredSpikeAlertSchema> & {
  /** The sample's conversation is in this window's mirror, so it can be opened. */
  canOpen: boolean;
};

/** A spike is news for a few hours; after that it is history, not a banner. */
export const SPIKE_ALERT_SHOWN_FOR_MS = 6 * 3600_000;
/** Company alerts of every kind read per query at most (listening matches can be many). */
const READ_AT_MOST = 500;

/** Spike alerts raised since `since` (epoch ms), newest first, live from the mirror. */
export function useSpikeAlerts(sync: SyncHandle | null, since: number, enabled: boolean): SpikeAlertView[] {
  return (
    useLiveQuery(async () => {
      if (!sync || !enabled) return [];
      const recent = await sync.db.alerts
        .where('createdAt')
        .above(new Date(since).toISOString())
        .reverse()
        .limit(READ_AT_MOST)
        .toArray();
      const spikes = recent.flatMap((row) => {
        const parsed = MirroredSpikeAlertSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      });
      const conversations = await sync.db.conversations.bulkGet(spikes.map((a) => a.conversationId ?? ''));
      return spikes.map((a, i) => ({ ...a, canOpen: conversations[i] !== undefined }));
    }, [sync, since, enabled]) ?? []
  );
}
