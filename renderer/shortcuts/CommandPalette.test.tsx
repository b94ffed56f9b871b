import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommandPalette } from './CommandPalette';
import { ShortcutRegistry } from './registry';
import { ShortcutOverlay } from './ShortcutOverlay';

function registryWith(run: () => void) {
  const registry = new ShortcutRegistry({ mac: false, singleKeys: () => true });
  registry.register({ id: 'a', title: 'Next conversation', section: 'Inbox', keys: ['j'], run });
  registry.register({
    id: 'b',
    title: 'Resolve the conversation',
    section: 'Conversation',
    keys: ['Mod+Shift+R'],
    run,
  });
  registry.register({
    id: 'c',
    title: 'Send the reply',
    section: 'Conversation',
    keys: ['Mod+Enter'],
    run,
    enabled: () => false,
  });
  return registry;
}

describe('CommandPalette and the ? overlay', () => {
  afterEach(cleanup);

  it('finds commands by words, runs the chosen one with Enter and closes', async () => {
    const run = vi.fn();
    const onClose = vi.fn();
    render(<CommandPalette registry={registryWith(run)} onClose={onClose} />);
    const user = userEvent.setup();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Resolve the conversationConversationCtrl+Shift+R',
      'Next conversationInboxJ',
    ]);
    await user.keyboard('resolve');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    await user.keyboard('{Enter}');
    expect(onClose).toHaveBeenCalled();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('says when nothing matches and closes on Escape', async () => {
    const onClose = vi.fn();
    render(<CommandPalette registry={registryWith(vi.fn())} onClose={onClose} />);
    const user = userEvent.setup();
    await user.keyboard('zzz');
    expect(screen.getByRole('option').textContent).toContain('No command matches');
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('lists every key by section, and says when single keys are off', () => {
    render(<ShortcutOverlay registry={registryWith(vi.fn())} singleKeys={false} onClose={vi.fn()} />);
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    expect(screen.getByText('Single-key shortcuts are off', { exact: false })).toBeTruthy();
    expect(screen.getByText('Send the reply')).toBeTruthy();
    expect(screen.getByText('Ctrl+Enter')).toBeTruthy();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Conversation', 'Inbox']);
  });
});
