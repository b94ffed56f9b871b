export interface HideableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

/**
 * Closing the window hides it: the renderer (and the sync worker in it) keeps running, so queued
 * work still drains. Only an explicit quit (tray menu, OS logout, Cmd+Q) really closes it.
 */
export function hideOnClose(window: HideableWindow, shouldHide: () => boolean): void {
  window.on('close', (event) => {
    if (!shouldHide()) return;
    event.preventDefault();
    window.hide();
  });
}
