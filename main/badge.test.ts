import { describe, expect, it, vi } from 'vitest';
import { createBadge, trayToolTip } from './badge';

function fakes() {
  const app = { setBadgeCount: vi.fn((_count: number) => true) };
  const tray = { setToolTip: vi.fn<(text: string) => void>() };
  return { app, tray, badge: createBadge(app) };
}

describe('badge', () => {
  it('sets the app badge and the tray tooltip to the count of waiting work', () => {
    const { app, tray, badge } = fakes();
    badge.attachTray(tray);
    badge.set(3);
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(3);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Switchboard — 3 waiting');
  });

  it('clears both when nothing is waiting', () => {
    const { app, tray, badge } = fakes();
    badge.attachTray(tray);
    badge.set(2);
    badge.set(0);
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(0);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Switchboard');
  });

  it('gives a tray made after the first count that count at once', () => {
    const { tray, badge } = fakes();
    badge.set(5);
    badge.attachTray(tray);
    expect(tray.setToolTip).toHaveBeenCalledExactlyOnceWith('Switchboard — 5 waiting');
  });

  it('names the tray after the app alone at zero', () => {
    expect(trayToolTip(0)).toBe('Switchboard');
    expect(trayToolTip(1)).toBe('Switchboard — 1 waiting');
  });
});
