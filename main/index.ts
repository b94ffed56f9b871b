import {
  app,
  ipcMain,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  type BrowserWindow,
} from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy } from '../shared/csp';
import { hostEventContract, type HostEvent, type HostEventPayload } from '../shared/ipc';
import { createAppProtocolHandler } from './appProtocol';
import { APP_SCHEME } from './appUrl';
import { createBadge } from './badge';
import { hideOnClose } from './closeToTray';
import { readDevOverrides } from './devOverrides';
import { diagnosticsSnapshot } from './diagnostics';
import { settingsFiles, tokenFiles } from './files';
import { handleIpc } from './ipcHandler';
import { createLogger } from './log';
import { decideNavigation, guardContents } from './navigationGuard';
import { createNotifier } from './notifications';
import { forwardOsSignals } from './osSignals';
import { installPermissionHandlers } from './permissions';
import { loadPolicy, machinePolicyPath } from './policy';
import { SettingsStore } from './settingsStore';
import { TokenStore } from './tokenStore';
import { createTray } from './tray';
import { createMainWindow } from './window';

// A second copy would open a second sender on the same outbox; hand over to the first instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  boot();
}

function boot(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
    },
  ]);
  app.enableSandbox();
  // Windows shows an app's notifications only under its AppUserModelID (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('dev.switchboard.desktop');

  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererRoot = path.join(here, '../renderer');
  const preloadPath = path.join(here, '../preload/index.cjs');
  const iconPath = path.join(app.getAppPath(), 'assets', 'icon.png');
  const trayIconPath = path.join(app.getAppPath(), 'assets', 'tray.png');

  let window: BrowserWindow | null = null;
  let quitting = false;
  let allowedHosts: readonly string[] = [];
  const log = createLogger(() => 'info');

  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  app.on('second-instance', showWindow);
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('web-contents-created', (_event, contents) => {
    guardContents(contents, {
      allowedHosts: () => allowedHosts,
      openExternal: (url) => void shell.openExternal(url),
      log: log.warn,
    });
  });
  // The window hides instead of closing, so this only fires on quit; keep macOS conventions.
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(async () => {
      const policyFile =
        !app.isPackaged && process.env.SWITCHBOARD_POLICY_FILE
          ? process.env.SWITCHBOARD_POLICY_FILE
          : machinePolicyPath(process.platform, process.env);
      const policy = await loadPolicy(policyFile, (file) => readFile(file, 'utf8'));
      if (policy.status === 'invalid') log.error(policy.message);
      const dev = readDevOverrides(process.argv, process.env);
      dev.problems.forEach((p) => log.warn(p));

      const userData = app.getPath('userData');
      const settings = new SettingsStore({
        userFile: path.join(userData, 'settings.json'),
        policy,
        overrides: dev.overrides,
        overridesBeatPolicy: !app.isPackaged,
        files: settingsFiles,
      });
      await settings.load();
      allowedHosts = settings.settings.allowedExternalHosts;
      const mainLog = createLogger(() => settings.settings.logLevel);
      const tokens = new TokenStore(
        safeStorage,
        tokenFiles,
        path.join(userData, 'session.bin'),
        () => settings.settings.requireSecureTokenStorage,
      );

      installPermissionHandlers(session.defaultSession);
      protocol.handle(
        APP_SCHEME,
        createAppProtocolHandler(rendererRoot, () => contentSecurityPolicy(settings.settings.serverUrl)),
      );

      const emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) => {
        const parsed = hostEventContract[event].parse(payload);
        if (window && !window.isDestroyed()) window.webContents.send(event, parsed);
      };
      const signals = forwardOsSignals({ powerMonitor, isOnline: () => net.isOnline(), emit });

      const appInfo = () => ({
        name: 'Switchboard',
        version: app.getVersion(),
        platform: process.platform,
        host: 'electron' as const,
      });
      const register = { log: mainLog.warn };
      handleIpc(ipcMain, 'app:info', appInfo, register.log);
      handleIpc(
        ipcMain,
        'app:diagnostics',
        async () =>
          diagnosticsSnapshot({
            name: 'Switchboard',
            version: app.getVersion(),
            userDataPath: userData,
            policy,
            settingsSources: settings.view().sources,
            tokenStorage: (await tokens.mode()).storage,
            online: signals.current().online,
          }),
        register.log,
      );
      handleIpc(ipcMain, 'settings:get', () => settings.view(), register.log);
      handleIpc(ipcMain, 'settings:update', (patch) => settings.update(patch), register.log);
      handleIpc(ipcMain, 'session:get', () => tokens.load(), register.log);
      handleIpc(ipcMain, 'session:save', (stored) => tokens.save(stored), register.log);
      handleIpc(ipcMain, 'session:clear', () => tokens.clear(), register.log);
      handleIpc(
        ipcMain,
        'shell:openExternal',
        async ({ url }) => {
          const decision = decideNavigation(url, settings.settings.allowedExternalHosts);
          if (!decision.openExternally) return { opened: false, reason: decision.reason };
          await shell.openExternal(url);
          return { opened: true };
        },
        register.log,
      );
      const badge = createBadge(app);
      handleIpc(
        ipcMain,
        'badge:set',
        ({ count }) => {
          badge.set(count);
          return { ok: true as const };
        },
        register.log,
      );
      const notifier = createNotifier({
        isSupported: () => Notification.isSupported(),
        create: (options) => new Notification({ ...options, icon: iconPath }),
        enabled: () => settings.settings.notifications,
        showWindow,
        clicked: (tag) => emit('host:notificationClicked', { tag }),
        platform: process.platform,
        log: mainLog.warn,
      });
      handleIpc(ipcMain, 'notify:show', (notification) => notifier.show(notification), register.log);

      settings.onChange((view) => {
        allowedHosts = view.settings.allowedExternalHosts;
        emit('settings:changed', view);
      });

      window = createMainWindow(preloadPath, { show: !settings.settings.startMinimized, iconPath });
      hideOnClose(window, () => !quitting && settings.settings.closeToTray);
      const tray = createTray(
        trayIconPath,
        () => window,
        () => {
          quitting = true;
          app.quit();
        },
      );
      badge.attachTray(tray);
    })
    .catch((err: unknown) => {
      console.error('[main] Switchboard could not start:', err);
      app.exit(1);
    });
}
