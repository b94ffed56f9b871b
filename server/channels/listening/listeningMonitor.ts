import type { FastifyBaseLogger } from 'fastify';
import type { Interaction } from '../../../shared/ingest';
import type { ServerConfig } from '../../config';
import type { Db } from '../../db/db';
import type { ListeningRule } from '../../ingest/ingest';
import type { PendingChange } from '../../sync/changeLog';
import { createAlertWebhook, type AlertWebhookStatus } from './alertWebhook';
import { liveKey, rebuildDetector } from './rebuild';
import { buildSpikeAlert, sampleConversation, storeSpikeAlert, type SpikeAlert } from './spikeAlert';
import { SpikeDetector, type Spike, type SpikeSettings } from './spikeDetector';

/**
 * Social listening's company alerts: counts every public post's rule matches (the ingestion hook
 * `IngestConfig.listened`), and when a rule spikes stores a `spike` alert, pushes it to leads and
 * admins through the change log, and POSTs it to SWITCHBOARD_ALERT_WEBHOOK_URL when set. Nothing
 * here throws into ingestion: failures are logged.
 */

export interface ListeningMonitorOptions {
  db: Db;
  /** Sends committed changes to the sockets. */
  push: (changes: PendingChange[]) => void;
  /** The server's clock: at start, the detector is rebuilt from the stored posts of the hour before it. */
  now: () => number;
  config: Pick<
    ServerConfig,
    'SWITCHBOARD_ALERT_WEBHOOK_URL' | 'SWITCHBOARD_SPIKE_FACTOR' | 'SWITCHBOARD_SPIKE_MIN_MATCHES'
  >;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Detector tuning beyond the environment (tests). */
  spike?: Partial<SpikeSettings>;
  /** Webhook timing (tests shorten it). */
  webhook?: { timeoutMs?: number; retryDelaysMs?: readonly number[] };
}

export interface ListeningMonitorStatus {
  spikes: number;
  webhook: AlertWebhookStatus | null;
}

export interface ListeningMonitor {
  /** The ingestion hook: `listened: monitor.listened`. */
  listened(matched: readonly ListeningRule[], interaction: Interaction, at: Date): void;
  /** Resolves once the detector holds the stored matches of the last hour (never rejects). */
  readonly ready: Promise<void>;
  /** Alerts raised so far and webhook delivery, for health and tests. */
  status(): ListeningMonitorStatus;
  /** Finishes alerts being stored and webhook attempts in flight; later retries are dropped. */
  close(): Promise<void>;
}

export function createListeningMonitor(options: ListeningMonitorOptions): ListeningMonitor {
  const { db, push, now, config, log } = options;
  const settings: SpikeSettings = {
    factor: config.SWITCHBOARD_SPIKE_FACTOR,
    minMatches: config.SWITCHBOARD_SPIKE_MIN_MATCHES,
    // Matches are known from now on; the rebuild moves this back when storage holds older posts.
    knownSince: now(),
    ...options.spike,
  };
  const detector = new SpikeDetector(settings);
  const webhook = config.SWITCHBOARD_ALERT_WEBHOOK_URL
    ? createAlertWebhook({ url: config.SWITCHBOARD_ALERT_WEBHOOK_URL, log, ...options.webhook })
    : null;
  const tasks = new Set<Promise<void>>();
  let spikes = 0;
  let closed = false;
  // Posts counted live while the rebuild reads storage, so none is counted twice.
  let countedLive: Set<string> | null = new Set();

  const track = (task: Promise<void>) => {
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };

  async function raise(rule: ListeningRule, spike: Spike, post: Interaction): Promise<void> {
    let alert: SpikeAlert;
    try {
      // Raised when the match that made the spike was counted, not when the write got its turn.
      alert = buildSpikeAlert(rule, spike, post, await sampleConversation(db, post), new Date(spike.at));
      push(await storeSpikeAlert(db, alert));
      spikes++;
      log.warn({ alertId: alert.id, ruleId: rule.id, matches: spike.matches }, alert.message);
    } catch (err) {
      log.error({ err, ruleId: rule.id }, `listening spike on "${rule.name}" could not be stored as an alert`);
      return;
    }
    await webhook?.send({ event: 'company_alert', text: alert.message, alert });
  }

  const rebuildMinutes = (settings.windowMinutes ?? 10) + (settings.baselineMinutes ?? 60);
  const ready = rebuildDetector(
    db,
    detector,
    now(),
    rebuildMinutes,
    countedLive,
    settings.realertAfterMs ?? 3600_000,
  ).then(
    (rebuilt) => {
      if (rebuilt.matches || rebuilt.alertedRules)
        log.info(rebuilt, 'listening spike detector rebuilt from the last hour of public posts');
    },
    (err: unknown) => log.warn({ err }, 'listening spike detector starts empty: stored matches could not be read'),
  );
  void ready.finally(() => (countedLive = null));
  track(ready);

  return {
    listened(matched, interaction, at) {
      if (closed) return;
      try {
        countedLive?.add(liveKey(interaction.provider, interaction.providerMessageId));
        for (const rule of matched) {
          const spike = detector.record(rule.id, at.getTime());
          if (spike) track(raise(rule, spike, interaction));
        }
      } catch (err) {
        log.error({ err }, 'listening spike detection failed for one post');
      }
    },
    ready,
    status: () => ({ spikes, webhook: webhook?.status() ?? null }),
    async close() {
      closed = true;
      webhook?.close();
      while (tasks.size) await Promise.allSettled([...tasks]);
    },
  };
}
