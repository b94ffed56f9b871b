import { useAppStore } from '../store/store';

/**
 * Said plainly at the top when the server cannot be reached: the agent keeps working, and knows
 * how much is waiting to be sent.
 */
export function OfflineBanner() {
  const status = useAppStore((s) => s.syncStatus);
  const networkOnline = useAppStore((s) => s.networkOnline);
  const offline = !networkOnline || status?.connection === 'offline';
  if (!offline) return null;
  const pending = status?.pending ?? 0;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>You are offline.</strong> Keep working: replies, notes, wrap-ups, reviews and your status are saved on
      this computer
      {pending > 0 ? ` (${pending} waiting to send)` : ''} and sent when the connection returns.
    </div>
  );
}
