import { describe, expect, it, vi } from 'vitest';
import { decideNavigation, guardContents, hostAllowed, type GuardedContents } from './navigationGuard';

const allowed = ['x.com', '*.example.com'];

type ContentsEvent = { preventDefault(): void; url: string };

/** Records what guardContents installs, so a test can fire navigations at it. */
function fakeContents() {
  const listeners = new Map<string, Array<(event: ContentsEvent) => void>>();
  let windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: GuardedContents = {
    on(event: string, listener: (event: ContentsEvent) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      windowOpenHandler = handler;
    },
  };
  const fire = (event: string, url = '') => {
    const preventDefault = vi.fn();
    for (const listener of listeners.get(event) ?? []) listener({ preventDefault, url });
    return { prevented: preventDefault.mock.calls.length > 0 };
  };
  const windowOpen = (url: string) => {
    if (!windowOpenHandler) throw new Error('no window-open handler installed');
    return windowOpenHandler({ url });
  };
  return { contents, listeners, fire, windowOpen };
}

function guarded(allowedHosts: readonly string[] = allowed) {
  const fake = fakeContents();
  const openExternal = vi.fn<(url: string) => void>();
  const log = vi.fn<(message: string) => void>();
  guardContents(fake.contents, { allowedHosts: () => allowedHosts, openExternal, log });
  return { ...fake, openExternal, log };
}

describe('hostAllowed', () => {
  it('matches an exact host, ignoring case', () => {
    expect(hostAllowed('x.com', allowed)).toBe(true);
    expect(hostAllowed('X.COM', allowed)).toBe(true);
  });

  it('does not let an exact host cover its subdomains or look-alikes', () => {
    expect(hostAllowed('www.x.com', allowed)).toBe(false);
    expect(hostAllowed('evilx.com', allowed)).toBe(false);
    expect(hostAllowed('x.com.evil.example', allowed)).toBe(false);
  });

  it('lets *.example.com match sub.example.com and deeper subdomains', () => {
    expect(hostAllowed('sub.example.com', allowed)).toBe(true);
    expect(hostAllowed('a.b.example.com', allowed)).toBe(true);
  });

  it('does not let *.example.com match example.com itself', () => {
    expect(hostAllowed('example.com', allowed)).toBe(false);
  });

  it('does not let *.example.com match evilexample.com or .example.com', () => {
    expect(hostAllowed('evilexample.com', allowed)).toBe(false);
    expect(hostAllowed('.example.com', allowed)).toBe(false);
    expect(hostAllowed('example.com.evil.net', allowed)).toBe(false);
  });

  it('allows nothing with an empty list', () => {
    expect(hostAllowed('x.com', [])).toBe(false);
  });
});

describe('decideNavigation', () => {
  it('keeps app:// pages in the app', () => {
    expect(decideNavigation('app://switchboard/index.html#/inbox', allowed)).toEqual({
      stayInApp: true,
      openExternally: false,
      reason: 'app page',
    });
  });

  it('opens an allowlisted https link externally', () => {
    expect(decideNavigation('https://x.com/someone/status/1', allowed)).toEqual({
      stayInApp: false,
      openExternally: true,
      reason: 'allowed external host',
    });
  });

  it('drops an https link to a host not on the list and says which host', () => {
    expect(decideNavigation('https://evil.example/phish', allowed)).toEqual({
      stayInApp: false,
      openExternally: false,
      reason: 'evil.example is not on the allowed hosts list',
    });
  });

  it.each([
    ['http: on an allowed host', 'http://x.com/'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['credentials in the URL', 'https://user:pass@x.com/'],
    ['a user name that looks like the allowed host', 'https://x.com@evil.example/'],
    ['another app:// host', 'app://other-host/index.html'],
    ['app:// with credentials', 'app://user:pw@switchboard/index.html'],
    ['a malformed URL', 'not a url'],
  ])('never opens %s', (_what, url) => {
    expect(decideNavigation(url, allowed)).toMatchObject({ stayInApp: false, openExternally: false });
  });
});

describe('guardContents', () => {
  it('installs navigation, redirect and webview listeners and a window-open handler', () => {
    const { listeners } = guarded();
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
  });

  it('blocks navigation to an outside URL and opens nothing', () => {
    const { fire, openExternal, log } = guarded();
    expect(fire('will-navigate', 'https://evil.example/')).toEqual({ prevented: true });
    expect(openExternal).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('navigation blocked: evil.example is not on the allowed hosts list');
  });

  it('opens an allowlisted https URL externally and still keeps the window on the app', () => {
    const { fire, openExternal } = guarded();
    expect(fire('will-navigate', 'https://sub.example.com/page')).toEqual({ prevented: true });
    expect(openExternal).toHaveBeenCalledWith('https://sub.example.com/page');
  });

  it('blocks a redirect away from the app like a navigation', () => {
    const { fire, openExternal } = guarded();
    expect(fire('will-redirect', 'http://evil.example/')).toEqual({ prevented: true });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it.each([
    'http://x.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,hi',
    'https://user:pass@x.com/',
  ])('never hands %s to the OS, by navigation or window.open', (url) => {
    const { fire, windowOpen, openExternal } = guarded();
    expect(fire('will-navigate', url)).toEqual({ prevented: true });
    expect(windowOpen(url)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('lets the app navigate between its own app:// pages', () => {
    const { fire, openExternal } = guarded();
    expect(fire('will-navigate', 'app://switchboard/index.html')).toEqual({ prevented: false });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('denies every window.open, opening an allowlisted link in the OS browser instead', () => {
    const { windowOpen, openExternal } = guarded();
    expect(windowOpen('https://x.com/status/1')).toEqual({ action: 'deny' });
    expect(windowOpen('https://evil.example/')).toEqual({ action: 'deny' });
    expect(windowOpen('app://switchboard/index.html')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://x.com/status/1']]);
  });

  it('prevents attaching a webview', () => {
    const { fire } = guarded();
    expect(fire('will-attach-webview')).toEqual({ prevented: true });
  });

  it('reads the allowed hosts at each navigation, so a policy change applies at once', () => {
    let hosts: readonly string[] = [];
    const fake = fakeContents();
    const openExternal = vi.fn<(url: string) => void>();
    guardContents(fake.contents, { allowedHosts: () => hosts, openExternal, log: () => {} });
    fake.fire('will-navigate', 'https://x.com/');
    hosts = ['x.com'];
    fake.fire('will-navigate', 'https://x.com/');
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});
