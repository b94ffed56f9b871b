import { describe, expect, it, vi } from 'vitest';
import { ShortcutConflictError, ShortcutRegistry, type KeyEventLike } from './registry';

const press = (key: string, over: Partial<KeyEventLike> = {}): KeyEventLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  target: { tagName: 'BODY' },
  ...over,
});

function setUp(mac = false, singleKeys = true) {
  const settings = { singleKeys };
  const registry = new ShortcutRegistry({ mac, singleKeys: () => settings.singleKeys });
  const palette = vi.fn();
  const next = vi.fn();
  const help = vi.fn();
  registry.register({
    id: 'palette',
    title: 'Open command palette',
    section: 'General',
    keys: ['Mod+K'],
    run: palette,
  });
  registry.register({ id: 'next', title: 'Next conversation', section: 'Inbox', keys: ['j', 'ArrowDown'], run: next });
  registry.register({ id: 'help', title: 'Show keyboard shortcuts', section: 'General', keys: ['?'], run: help });
  return { registry, settings, palette, next, help };
}

describe('shortcut registry', () => {
  it('Mod is Ctrl on Windows and Linux, Cmd on macOS', () => {
    const pc = setUp(false);
    expect(pc.registry.handle(press('k', { ctrlKey: true }))).toBe(true);
    expect(pc.registry.handle(press('k', { metaKey: true }))).toBe(false);
    expect(pc.palette).toHaveBeenCalledOnce();
    const mac = setUp(true);
    expect(mac.registry.handle(press('K', { metaKey: true }))).toBe(true);
    expect(mac.registry.label('Mod+K')).toBe('⌘K');
    expect(pc.registry.label('Mod+K')).toBe('Ctrl+K');
  });

  it('single keys never fire while typing, and not at all when switched off', () => {
    const { registry, settings, next, help } = setUp();
    expect(registry.handle(press('j', { target: { tagName: 'TEXTAREA' } }))).toBe(false);
    expect(registry.handle(press('j', { target: { isContentEditable: true } }))).toBe(false);
    expect(registry.handle(press('j'))).toBe(true);
    expect(registry.handle(press('?', { shiftKey: true }))).toBe(true);
    settings.singleKeys = false;
    expect(registry.handle(press('j'))).toBe(false);
    expect(next).toHaveBeenCalledOnce();
    expect(help).toHaveBeenCalledOnce();
  });

  it('a key taken twice is refused with both names; a command can be searched and removed', () => {
    const { registry } = setUp();
    expect(() =>
      registry.register({ id: 'junk', title: 'Mark as junk', section: 'Inbox', keys: ['J'], run: () => undefined }),
    ).toThrow(ShortcutConflictError);
    expect(registry.search('next conv').map((c) => c.id)).toEqual(['next']);
    const off = registry.register({
      id: 'reply',
      title: 'Reply',
      section: 'Conversation',
      keys: ['r'],
      run: () => undefined,
      enabled: () => false,
    });
    expect(registry.search('reply')).toEqual([]);
    expect(registry.handle(press('r'))).toBe(false);
    off();
    expect(registry.list().map((c) => c.id)).toEqual(['palette', 'help', 'next']);
  });
});
