import { Menu, Tray, nativeImage, type BrowserWindow } from 'electron';

/** The tray icon: the way back to a hidden window, and the only "Quit" besides the OS's. */
export function createTray(iconPath: string, window: () => BrowserWindow | null, quit: () => void): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  const show = () => {
    const win = window();
    if (!win) return;
    win.show();
    win.focus();
  };
  tray.setToolTip('Switchboard');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Switchboard', click: show },
      { type: 'separator' },
      { label: 'Quit Switchboard', click: quit },
    ]),
  );
  tray.on('click', show);
  return tray;
}
