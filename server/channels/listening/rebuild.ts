import type { Db } from '../../db/db';
import { matchesTokens, parseListeningQuery, tokenize } from '../../enrich/listeningQuery';
import type { SpikeDetector } from './spikeDetector';

/**
 * Gives a freshly started detector the last window and baseline of matches, so a restart neither
 * hides a spike in progress (its first minutes forgotten), nor waits half an hour to learn the
 * rate again, nor alerts again for one already raised.
 * Matches are not stored as such: the enabled rules are run again over the stored public posts of
 * that span (as ingestion matched them). Posts of alert-only rules open no conversation and store
 * no message, so those are not rebuilt.
 */

/** Enough for a very busy hour; the newest are kept. */
const MAX_POSTS = 50_000;

export interface RebuildResult {
  posts: number;
  matches: number;
  alertedRules: number;
}

export async function rebuildDetector(
  db: Db,
  detector: SpikeDetector,
  now: number,
  spanMinutes: number,
  /** Posts already counted live while this ran (provider + id), skipped here. */
  countedLive: ReadonlySet<string>,
  realertAfterMs: number,
): Promise<RebuildResult> {
  const since = new Date(now - spanMinutes * 60_000);
  const { rows: ruleRows } = await db.query<{ id: string; query: string }>(
    'select id, query from listening_rules where enabled',
  );
  const rules = ruleRows.flatMap((r) => {
    const parsed = parseListeningQuery(r.query);
    return parsed.ok ? [{ id: r.id, query: parsed.query }] : [];
  });
  let posts = 0;
  let matches = 0;
  if (rules.length) {
    const { rows } = await db.query<{
      provider: string | null;
      provider_message_id: string | null;
      body: string;
      created_at: Date;
    }>(
      `select provider, provider_message_id, body, created_at from messages
       where visibility = 'public' and direction = 'inbound' and created_at > $1 and created_at <= $2
       order by created_at desc limit ${MAX_POSTS}`,
      [since, new Date(now)],
    );
    for (const row of rows) {
      if (countedLive.has(liveKey(row.provider ?? '', row.provider_message_id ?? ''))) continue;
      posts++;
      const tokens = tokenize(` ${row.body}`);
      for (const rule of rules) {
        if (!matchesTokens(rule.query, tokens)) continue;
        detector.seed(rule.id, row.created_at.getTime());
        matches++;
      }
    }
  }
  // Stored posts from before the span mean the hour behind it is known (quiet or not), not missing.
  const { rows: oldest } = await db.query<{ at: Date | null }>(
    "select min(created_at) as at from messages where visibility = 'public' and direction = 'inbound'",
  );
  const knownSince = oldest[0]?.at ? Math.min(oldest[0].at.getTime(), now) : null;
  if (knownSince !== null) detector.knownFrom(knownSince);
  const { rows: alerted } = await db.query<{ rule_id: string; at: Date }>(
    `select rule_id, max(created_at) as at from alerts
     where kind = 'spike' and rule_id is not null and created_at > $1 group by rule_id`,
    [new Date(now - realertAfterMs)],
  );
  for (const a of alerted) detector.markAlerted(a.rule_id, a.at.getTime());
  return { posts, matches, alertedRules: alerted.length };
}

/** How a post is told apart across the live hook and storage. */
export function liveKey(provider: string, providerMessageId: string): string {
  return `${provider}\n${providerMessageId}`;
}
