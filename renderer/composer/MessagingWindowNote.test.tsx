import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnection, openDb, renderView, seed } from '../conversation/testKit';
import type { SyncDb } from '../sync/db';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const note = () => screen.findByTestId('messaging-window');
const sendButton = () => screen.getByTestId<HTMLButtonElement>('send-reply');
const typeReply = (text: string) => fireEvent.change(screen.getByTestId('composer-text'), { target: { value: text } });

describe('Messenger window in the composer', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(() => {
    sessionStorage.clear();
    db = openDb();
    connection = new FakeConnection(db);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  const messenger = (lastInboundAt: string | null) =>
    seed(db, { conversation: { channel: 'messenger', threadKey: 'psid:6100', lastInboundAt } });

  it('shows the standard window’s time left and lets the reply go', async () => {
    await messenger(ago(19 * HOUR - 5 * 60_000));
    renderView(db, connection);
    const shown = await note();
    expect(shown.textContent).toBe('Standard messaging window: 5 h left.');
    expect(shown.dataset.state).toBe('standard');
    typeReply('Your flight is moved to Friday.');
    expect(sendButton().disabled).toBe(false);
  });

  it('after 24 hours shows the human-agent tag and what it is for', async () => {
    await messenger(ago(5 * 24 * HOUR - 10 * 60_000));
    renderView(db, connection);
    expect((await note()).textContent).toBe("Human agent tag: 2 days left — use it only for a human agent's answer.");
    typeReply('Your flight is moved to Friday.');
    expect(sendButton().disabled).toBe(false);
  });

  it('after 7 days disables Send on Messenger and offers email, which can go', async () => {
    await messenger(ago(10 * 24 * HOUR));
    renderView(db, connection);
    expect((await note()).textContent).toContain('Messenger window closed 3 days ago: answer by email.');
    typeReply('Dear Jordan, your flight is moved to Friday.');
    expect(sendButton().disabled).toBe(true);
    fireEvent.keyDown(screen.getByTestId('composer-text'), { key: 'Enter', ctrlKey: true });
    expect(connection.ops('conversation.reply')).toHaveLength(0);

    await userEvent.click(screen.getByTestId('use-email'));
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Email to jordan@example.com' }).checked).toBe(true);
    expect((await note()).textContent).toBe('Messenger window closed 3 days ago: this reply goes by email.');
    expect(sendButton().disabled).toBe(false);
    await userEvent.click(sendButton());
    await waitFor(() => expect(connection.ops('conversation.reply')).toHaveLength(1));
    expect(connection.ops('conversation.reply')[0]!.payload).toMatchObject({ via: 'email', visibility: 'private' });
  });

  it('with no email address on file, says Messenger waits for the customer', async () => {
    await messenger(ago(8 * 24 * HOUR));
    await db.identities.delete('id-mail');
    renderView(db, connection);
    expect((await note()).textContent).toBe(
      'Messenger window closed 24 h ago: Messenger takes no reply until the customer writes again, and there is no email address on file for them.',
    );
    expect(screen.queryByTestId('use-email')).toBeNull();
    typeReply('Hello?');
    expect(sendButton().disabled).toBe(true);
  });

  it('an internal note can still be added while the window is closed', async () => {
    await messenger(ago(30 * 24 * HOUR));
    renderView(db, connection);
    await note();
    await userEvent.click(screen.getByTestId('mode-note'));
    typeReply('Customer asked about Friday; window closed.');
    expect(screen.getByTestId<HTMLButtonElement>('add-note').disabled).toBe(false);
  });

  it('says nothing on other channels', async () => {
    await seed(db, { conversation: { lastInboundAt: ago(30 * 24 * HOUR) } });
    renderView(db, connection);
    await screen.findByTestId('composer');
    expect(screen.queryByTestId('messaging-window')).toBeNull();
  });
});
