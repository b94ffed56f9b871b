import { describe, expect, it } from 'vitest';
import { installPermissionHandlers, isPermissionAllowed, type PermissionSession } from './permissions';

const appPage = 'app://switchboard/index.html';

type RequestHandler = Parameters<PermissionSession['setPermissionRequestHandler']>[0];
type CheckHandler = Parameters<PermissionSession['setPermissionCheckHandler']>[0];

/** Captures the three handlers the app installs on the session. */
function fakeSession() {
  const installed: { request?: RequestHandler; check?: CheckHandler; device?: () => boolean } = {};
  const session: PermissionSession = {
    setPermissionRequestHandler: (handler) => void (installed.request = handler),
    setPermissionCheckHandler: (handler) => void (installed.check = handler),
    setDevicePermissionHandler: (handler) => void (installed.device = handler),
  };
  installPermissionHandlers(session);
  const { request, check, device } = installed;
  if (!request || !check || !device) throw new Error('a permission handler was not installed');
  const ask = (permission: string, requestingUrl?: string) => {
    const answers: boolean[] = [];
    request({}, permission, (granted) => answers.push(granted), requestingUrl === undefined ? {} : { requestingUrl });
    return answers;
  };
  return { ask, check, device };
}

describe('isPermissionAllowed', () => {
  it('grants notifications to the app’s own page', () => {
    expect(isPermissionAllowed('notifications', appPage)).toBe(true);
  });

  it.each([
    'media',
    'camera',
    'microphone',
    'geolocation',
    'clipboard-read',
    'clipboard-sanitized-write',
    'midi',
    'openExternal',
    'fullscreen',
    'pointerLock',
    'display-capture',
    'hid',
    'serial',
    'usb',
  ])('denies %s even to the app’s own page', (permission) => {
    expect(isPermissionAllowed(permission, appPage)).toBe(false);
  });

  it.each(['https://evil.example/', 'app://other-host/index.html', 'file:///index.html', 'app://u:p@switchboard/'])(
    'denies notifications to %s',
    (url) => {
      expect(isPermissionAllowed('notifications', url)).toBe(false);
    },
  );

  it('denies notifications when the requesting page is unknown', () => {
    expect(isPermissionAllowed('notifications', undefined)).toBe(false);
  });
});

describe('installPermissionHandlers', () => {
  it('answers a notification request from the app page with a grant', () => {
    expect(fakeSession().ask('notifications', appPage)).toEqual([true]);
  });

  it('answers every other request with exactly one denial', () => {
    const { ask } = fakeSession();
    expect(ask('media', appPage)).toEqual([false]);
    expect(ask('geolocation', appPage)).toEqual([false]);
    expect(ask('notifications', 'https://evil.example/')).toEqual([false]);
    expect(ask('notifications')).toEqual([false]);
  });

  it('answers permission checks with the same rule, falling back to the requesting origin', () => {
    const { check } = fakeSession();
    expect(check({}, 'notifications', 'app://switchboard', { requestingUrl: appPage })).toBe(true);
    expect(check({}, 'notifications', 'app://switchboard', {})).toBe(true);
    expect(check({}, 'notifications', 'https://evil.example', {})).toBe(false);
    expect(check({}, 'clipboard-read', 'app://switchboard', { requestingUrl: appPage })).toBe(false);
  });

  it('lets the requesting URL decide a check even when the origin looks like the app', () => {
    const { check } = fakeSession();
    expect(check({}, 'notifications', 'app://switchboard', { requestingUrl: 'https://evil.example/' })).toBe(false);
  });

  it('denies access to every device (USB, HID, serial)', () => {
    expect(fakeSession().device()).toBe(false);
  });
});
