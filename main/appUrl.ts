/**
 * The app's own origin. It never changes between versions (RELIABILITY.md scenario 22): the
 * IndexedDB data of every version lives under it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** `new URL('app://x').origin` is 'null' in Node, so compare protocol and host instead. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}
