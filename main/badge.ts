export interface BadgeApp {
  /** Electron's `app.setBadgeCount`: the dock (macOS) and launchers that support it (Linux). */
  setBadgeCount(count: number): boolean;
}

export interface BadgeTray {
  setToolTip(text: string): void;
}

export function trayToolTip(count: number): string {
  return count > 0 ? `Switchboard — ${count} waiting` : 'Switchboard';
}

/**
 * The count of work waiting for the agent, wherever the OS shows one: the app badge and the tray
 * tooltip. The tray comes later than the first count (it is made after the window), so the count
 * is kept and applied when it arrives.
 */
export function createBadge(app: BadgeApp): { set(count: number): void; attachTray(tray: BadgeTray): void } {
  let count = 0;
  let tray: BadgeTray | null = null;
  return {
    set(next) {
      count = next;
      app.setBadgeCount(count);
      tray?.setToolTip(trayToolTip(count));
    },
    attachTray(next) {
      tray = next;
      tray.setToolTip(trayToolTip(count));
    },
  };
}
