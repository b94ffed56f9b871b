import { describe, expect, it, vi } from 'vitest';
import { hideOnClose, type HideableWindow } from './closeToTray';

function fakeWindow() {
  const closeListeners: Array<(event: { preventDefault(): void }) => void> = [];
  const hide = vi.fn<() => void>();
  const window: HideableWindow = {
    on: (_event, listener) => closeListeners.push(listener),
    hide,
  };
  const close = () => {
    const preventDefault = vi.fn();
    for (const listener of closeListeners) listener({ preventDefault });
    return { prevented: preventDefault.mock.calls.length > 0 };
  };
  return { window, hide, close };
}

describe('hideOnClose', () => {
  it('hides the window instead of closing it, so sync keeps running', () => {
    const { window, hide, close } = fakeWindow();
    hideOnClose(window, () => true);
    expect(close()).toEqual({ prevented: true });
    expect(hide).toHaveBeenCalledTimes(1);
  });

  it('lets the window close when it should not hide (quitting, or close-to-tray off)', () => {
    const { window, hide, close } = fakeWindow();
    hideOnClose(window, () => false);
    expect(close()).toEqual({ prevented: false });
    expect(hide).not.toHaveBeenCalled();
  });

  it('asks at each close, so a quit started later really closes the window', () => {
    const { window, hide, close } = fakeWindow();
    let quitting = false;
    hideOnClose(window, () => !quitting);
    expect(close()).toEqual({ prevented: true });
    quitting = true;
    expect(close()).toEqual({ prevented: false });
    expect(hide).toHaveBeenCalledTimes(1);
  });
});
