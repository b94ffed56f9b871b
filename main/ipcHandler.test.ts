import { describe, expect, it, vi } from 'vitest';
import type { IpcChannel, IpcResult } from '../shared/ipc';
import { LockedSettingError } from '../shared/settings';
import { handleIpc, isTrustedSender, type IpcImpl, type IpcMainLike, type SenderFrame } from './ipcHandler';

const appFrame: SenderFrame = { url: 'app://switchboard/index.html', parent: null };

type Listener = Parameters<IpcMainLike['handle']>[1];

/** A fake ipcMain that keeps the one listener registered, so a test can play the renderer. */
function register<C extends IpcChannel>(channel: C, impl: IpcImpl<C>) {
  const listeners = new Map<string, Listener>();
  const ipcMain: IpcMainLike = { handle: (name, listener) => void listeners.set(name, listener) };
  const log = vi.fn<(message: string) => void>();
  handleIpc(ipcMain, channel, impl, log);
  const listener = listeners.get(channel);
  if (!listener) throw new Error(`${channel} was not registered`);
  const invoke = async (frame: SenderFrame | null, ...args: unknown[]) =>
    (await listener({ senderFrame: frame }, ...args)) as IpcResult<unknown>;
  return { invoke, log, channels: [...listeners.keys()] };
}

const badgeImpl = () => vi.fn<IpcImpl<'badge:set'>>(() => ({ ok: true as const }));

describe('isTrustedSender', () => {
  it('trusts the app’s own top-level page', () => {
    expect(isTrustedSender(appFrame)).toBe(true);
    expect(isTrustedSender({ url: 'app://switchboard/settings?tab=2', parent: null })).toBe(true);
  });

  it('does not trust a sub-frame of the app page', () => {
    expect(isTrustedSender({ url: 'app://switchboard/index.html', parent: appFrame })).toBe(false);
  });

  it('does not trust a frame whose parent is unknown rather than null', () => {
    expect(isTrustedSender({ url: 'app://switchboard/index.html', parent: undefined })).toBe(false);
  });

  it.each([
    'https://evil.example/',
    'file:///C:/app/index.html',
    'app://other-host/index.html',
    'app://user:pw@switchboard/',
    'about:blank',
    '',
  ])('does not trust a top-level page at %j', (url) => {
    expect(isTrustedSender({ url, parent: null })).toBe(false);
  });

  it('does not trust a missing frame', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

describe('handleIpc', () => {
  it('registers the handler under the channel name', () => {
    expect(register('badge:set', badgeImpl()).channels).toEqual(['badge:set']);
  });

  it('answers a valid call with ok and the value', async () => {
    const impl = badgeImpl();
    const { invoke } = register('badge:set', impl);
    expect(await invoke(appFrame, { count: 3 })).toEqual({ ok: true, value: { ok: true } });
    expect(impl).toHaveBeenCalledWith({ count: 3 });
  });

  it('answers a channel without a request when called with no argument', async () => {
    const { invoke } = register('app:info', () => ({
      name: 'Switchboard',
      version: '1.2.3',
      platform: 'linux',
      host: 'electron',
    }));
    expect(await invoke(appFrame)).toEqual({
      ok: true,
      value: { name: 'Switchboard', version: '1.2.3', platform: 'linux', host: 'electron' },
    });
  });

  it('refuses an IPC call from a sub-frame and does not run the handler', async () => {
    const impl = badgeImpl();
    const { invoke, log } = register('badge:set', impl);
    const result = await invoke({ url: 'app://switchboard/index.html', parent: appFrame }, { count: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(impl).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('ipc badge:set: refused sender app://switchboard/index.html');
  });

  it.each(['https://evil.example/', 'file:///home/agent/index.html', 'app://other-host/index.html'])(
    'refuses an IPC call from the foreign origin %s',
    async (url) => {
      const impl = badgeImpl();
      const { invoke } = register('badge:set', impl);
      expect(await invoke({ url, parent: null }, { count: 1 })).toMatchObject({
        ok: false,
        error: { code: 'untrusted_sender' },
      });
      expect(impl).not.toHaveBeenCalled();
    },
  );

  it('refuses an IPC call with no sender frame (the frame navigated away or was destroyed)', async () => {
    const impl = badgeImpl();
    const { invoke, log } = register('badge:set', impl);
    expect(await invoke(null, { count: 1 })).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    expect(impl).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('ipc badge:set: refused sender (none)');
  });

  it.each([
    ['a server URL that is a number', { serverUrl: 42 }],
    ['a server URL that is not http(s)', { serverUrl: 'javascript:alert(1)' }],
    ['an unknown setting', { theme: 'dark', installExtension: 'evil' }],
    ['an idle time below the minimum', { idleAwaySeconds: 1 }],
    ['no object at all', 'theme=dark'],
  ])('rejects settings:update with %s as invalid_request without calling the handler', async (_what, payload) => {
    const impl = vi.fn<IpcImpl<'settings:update'>>();
    const { invoke } = register('settings:update', impl);
    const result = await invoke(appFrame, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(impl).not.toHaveBeenCalled();
  });

  it('names the channel and the field in an invalid_request message', async () => {
    const { invoke } = register('settings:update', vi.fn<IpcImpl<'settings:update'>>());
    const result = await invoke(appFrame, { serverUrl: 42 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('settings:update');
    expect(result.error.message).toContain('serverUrl');
  });

  it.each([
    ['no url', {}],
    ['no argument', undefined],
    ['a url that is not a string', { url: 7 }],
    ['an extra key', { url: 'https://x.com/', target: '_self' }],
  ])('rejects shell:openExternal with %s as invalid_request', async (_what, payload) => {
    const impl = vi.fn<IpcImpl<'shell:openExternal'>>(() => ({ opened: true }));
    const { invoke } = register('shell:openExternal', impl);
    expect(await invoke(appFrame, payload)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(impl).not.toHaveBeenCalled();
  });

  it('rejects a call with extra arguments as invalid_request', async () => {
    const impl = vi.fn<IpcImpl<'shell:openExternal'>>(() => ({ opened: true }));
    const { invoke } = register('shell:openExternal', impl);
    const result = await invoke(appFrame, { url: 'https://x.com/' }, { url: 'https://evil.example/' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'shell:openExternal takes one argument' },
    });
    expect(impl).not.toHaveBeenCalled();
  });

  it('rejects an argument sent to a channel that takes none', async () => {
    const impl = vi.fn<IpcImpl<'session:clear'>>();
    const { invoke } = register('session:clear', impl);
    expect(await invoke(appFrame, { everything: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(impl).not.toHaveBeenCalled();
  });

  it('hands the handler the parsed request, with the server URL normalised', async () => {
    const impl = vi.fn<IpcImpl<'settings:update'>>(() => {
      throw new Error('stop here');
    });
    const { invoke } = register('settings:update', impl);
    await invoke(appFrame, { serverUrl: 'https://switchboard.example.com/' });
    expect(impl).toHaveBeenCalledWith({ serverUrl: 'https://switchboard.example.com' });
  });

  it('turns a wrongly-shaped answer from main into failed instead of passing it on', async () => {
    const impl = (() => ({ opened: 'yes', token: 'secret' })) as unknown as IpcImpl<'shell:openExternal'>;
    const { invoke } = register('shell:openExternal', impl);
    const result = await invoke(appFrame, { url: 'https://x.com/' });
    expect(result).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(JSON.stringify(result)).not.toContain('"value"');
  });

  it('reports a setting locked by policy as setting_locked with the user-facing message', async () => {
    const { invoke } = register('settings:update', () => {
      throw new LockedSettingError(['serverUrl']);
    });
    expect(await invoke(appFrame, { serverUrl: 'https://other.example.com' })).toEqual({
      ok: false,
      error: {
        code: 'setting_locked',
        message: 'serverUrl is managed by your organization and cannot be changed here.',
      },
    });
  });

  it('reports any other error, sync or async, as failed and logs it', async () => {
    const { invoke, log } = register('session:get', async () => {
      throw new Error('keyring exploded');
    });
    expect(await invoke(appFrame)).toEqual({ ok: false, error: { code: 'failed', message: 'keyring exploded' } });
    expect(log).toHaveBeenCalledWith('ipc session:get: keyring exploded');
  });

  it('hands notify:show a plain-text notification as sent', async () => {
    const impl = vi.fn<IpcImpl<'notify:show'>>(() => ({ shown: true }));
    const { invoke } = register('notify:show', impl);
    const notification = { title: 'New web chat', body: 'From Dana Reyes:\nWhere is my order?', tag: 'c-1:assigned' };
    expect(await invoke(appFrame, notification)).toEqual({ ok: true, value: { shown: true } });
    expect(impl).toHaveBeenCalledWith(notification);
  });

  it.each([
    ['an empty title', { title: '', body: '', tag: 't' }],
    ['a title over 120 characters', { title: 'x'.repeat(121), body: '', tag: 't' }],
    ['a body over 400 characters', { title: 'Hi', body: 'x'.repeat(401), tag: 't' }],
    ['a line break in the title', { title: 'Hi\nthere', body: '', tag: 't' }],
    ['a control character in the body', { title: 'Hi', body: 'bell\u0007', tag: 't' }],
    ['a right-to-left override in the body', { title: 'Hi', body: 'invoice\u202Eexe.pdf', tag: 't' }],
    ['a tag with a space', { title: 'Hi', body: '', tag: 'a b' }],
    ['no tag', { title: 'Hi', body: '' }],
    ['an extra key', { title: 'Hi', body: '', tag: 't', icon: 'https://evil.test/i.png' }],
  ])('rejects notify:show with %s as invalid_request', async (_what, payload) => {
    const impl = vi.fn<IpcImpl<'notify:show'>>(() => ({ shown: true }));
    const { invoke } = register('notify:show', impl);
    expect(await invoke(appFrame, payload)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(impl).not.toHaveBeenCalled();
  });
});
