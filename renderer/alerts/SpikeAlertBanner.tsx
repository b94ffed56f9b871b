import { useState } from 'react';
import { CHANNEL_LABELS } from '../inbox/channels';
import { useNow } from '../inbox/useNow';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';
import { loadDismissed, saveDismissed } from './dismissedAlerts';
import { SPIKE_ALERT_SHOWN_FOR_MS, useSpikeAlerts } from './spikeAlerts';

/** More at once would push the work off the screen; the rest wait behind the first ones. */
const SHOWN_AT_ONCE = 3;

/**
 * Company alerts for team leads and admins: a listening rule spiking ("Listening spike: 'skyward
 * breaks guitars' — 23 posts in 10 min, 6× the last hour") with a sample post, until dismissed.
 * Agents never see it (nor receive the alert). The sample is a customer's post: text only.
 */
export function SpikeAlertBanner() {
  const sync = useSync();
  const agent = useAppStore((s) => s.session?.agent);
  const open = useAppStore((s) => s.openConversation);
  const lead = agent !== undefined && agent.role !== 'agent';
  // Moves once a minute: alerts older than the shown span leave without a timer per banner.
  const now = useNow(60_000);
  const since = Math.floor((now - SPIKE_ALERT_SHOWN_FOR_MS) / 60_000) * 60_000;
  const alerts = useSpikeAlerts(sync, since, lead);
  const [dismissed, setDismissed] = useState<{ agentId: string; ids: string[] } | null>(null);

  if (!lead) return null;
  const ids = dismissed?.agentId === agent.id ? dismissed.ids : loadDismissed(agent.id);
  const waiting = alerts.filter((a) => !ids.includes(a.id));
  if (!waiting.length) return null;
  const dismiss = (alertId: string) => setDismissed({ agentId: agent.id, ids: saveDismissed(agent.id, ids, alertId) });

  return (
    <section className="spike-alerts" aria-label="Company alerts">
      {waiting.slice(0, SHOWN_AT_ONCE).map((a) => {
        const { sample } = a.spike;
        return (
          <div key={a.id} className="notice notice-error spike-alert" role="alert" data-testid="spike-alert">
            <p>
              <strong data-testid="spike-alert-message">{a.message}</strong>{' '}
              <time dateTime={a.createdAt}>
                {new Date(a.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
              </time>
            </p>
            <p className="spike-alert-sample" data-testid="spike-alert-sample">
              “{sample.text}” — {sample.authorName ? `${sample.authorName} (${sample.author})` : sample.author}
              {sample.channel && `, ${CHANNEL_LABELS[sample.channel]}`}
            </p>
            <p>
              {a.canOpen && a.conversationId && (
                <button type="button" onClick={() => open(a.conversationId)}>
                  Open this post
                </button>
              )}{' '}
              <button
                type="button"
                data-testid="spike-alert-dismiss"
                aria-label={`Dismiss the spike alert for ${a.ruleName}`}
                onClick={() => dismiss(a.id)}
              >
                Dismiss
              </button>
            </p>
          </div>
        );
      })}
      {waiting.length > SHOWN_AT_ONCE && (
        <p className="notice" data-testid="spike-alert-more">
          {waiting.length - SHOWN_AT_ONCE} more spike {waiting.length - SHOWN_AT_ONCE === 1 ? 'alert' : 'alerts'} behind
          these.
        </p>
      )}
    </section>
  );
}
