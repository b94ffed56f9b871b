import { NOTIFICATIONS_OFF, type NotificationRequest, type NotificationResult } from '../shared/ipc';

/** The few parts of Electron's `Notification` used here. */
export interface OsNotification {
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  show(): void;
  close(): void;
}

export interface OsNotificationOptions {
  /** Replaces an earlier notification with the same id (macOS, Windows). */
  id: string;
  title: string;
  body: string;
}

export interface NotifierOptions {
  isSupported(): boolean;
  create(options: OsNotificationOptions): OsNotification;
  /** The `notifications` setting as it is now. */
  enabled(): boolean;
  /** Brings the agent window back: shown, restored, focused. */
  showWindow(): void;
  /** Tells the renderer which notification the agent clicked. */
  clicked(tag: string): void;
  platform: NodeJS.Platform;
  log?: (message: string) => void;
}

export const NOTIFICATIONS_UNSUPPORTED = 'This computer cannot show notifications (no notification service).';

/** Notifications kept referenced so their click still arrives; older ones are let go. */
const KEEP = 50;

/**
 * Linux notification servers may read the body as markup (`<a href>`, `<img src>`): a customer's
 * name or subject must not become a link or a remote image, so angle brackets become look-alikes.
 */
export function osSafeText(text: string, platform: NodeJS.Platform): string {
  return platform === 'linux' ? text.replace(/</g, '‹').replace(/>/g, '›') : text;
}

/**
 * Shows OS notifications for the renderer. Each is held until it closes: Electron drops the click
 * of a notification that was garbage-collected. A click brings the window back and tells the
 * renderer which one it was, so it can open that conversation.
 */
export function createNotifier(options: NotifierOptions): { show(n: NotificationRequest): NotificationResult } {
  const live = new Map<string, OsNotification>();
  const forget = (tag: string, notification: OsNotification) => {
    if (live.get(tag) === notification) live.delete(tag);
  };

  return {
    show({ title, body, tag }) {
      if (!options.enabled()) return { shown: false, reason: NOTIFICATIONS_OFF };
      if (!options.isSupported()) return { shown: false, reason: NOTIFICATIONS_UNSUPPORTED };
      live.get(tag)?.close();
      live.delete(tag);
      const notification = options.create({
        id: tag,
        title: osSafeText(title, options.platform),
        body: osSafeText(body, options.platform),
      });
      notification.on('click', () => {
        forget(tag, notification);
        options.showWindow();
        options.clicked(tag);
      });
      notification.on('close', () => forget(tag, notification));
      notification.on('failed', () => {
        forget(tag, notification);
        options.log?.(`notification ${tag} could not be shown`);
      });
      live.set(tag, notification);
      if (live.size > KEEP) live.delete(live.keys().next().value as string);
      notification.show();
      return { shown: true };
    },
  };
}
