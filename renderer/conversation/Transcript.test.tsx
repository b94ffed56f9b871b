import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncDb } from '../sync/db';
import { FakeConnection, openDb, renderView, seed } from './testKit';

describe('Transcript', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    db = openDb();
    connection = new FakeConnection(db);
    await seed(db);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  it('lists messages in order, each marked inbound, outbound or note and public or private', async () => {
    renderView(db, connection);
    const list = await screen.findByRole('list', { name: 'Messages' });
    await within(list).findByText('Booking ref is QX7P2L');
    const messages = within(list).getAllByTestId('message');
    expect(messages.map((m) => [m.dataset.messageId, m.dataset.direction, m.dataset.visibility])).toEqual([
      ['m-in', 'inbound', 'public'],
      ['m-out', 'outbound', 'public'],
      ['m-note', 'note', 'private'],
      ['m-dm', 'inbound', 'private'],
    ]);
    // The badge and its spoken sentence say who can see it.
    expect(within(messages[0]!).getByTestId('visibility').textContent).toBe('Public: anyone can see this');
    expect(within(messages[3]!).getByTestId('visibility').textContent).toBe(
      'Private: only the customer and your team can see this',
    );
    expect(messages[2]!.textContent).toContain('Internal note by Dana Reyes');
    expect(messages[2]!.className).toContain('cv-note');
    expect(messages[0]!.textContent).toContain('Jordan Miles');
  });

  it('shows a call transcript as speaker turns', async () => {
    renderView(db, connection, { conversationId: 'conv-call' });
    const list = await screen.findByRole('list', { name: 'Messages' });
    await within(list).findByText(/never arrived/);
    const turns = within(list).getAllByTestId('message');
    expect(turns.map((t) => [t.dataset.direction, t.dataset.speaker])).toEqual([
      ['transcript', 'customer'],
      ['transcript', 'agent'],
    ]);
    expect(turns.map((t) => t.querySelector('.cv-author')?.textContent)).toEqual(['Customer', 'Agent']);
  });

  it('renders hostile message text as text: no image or script element is created', async () => {
    const { container } = renderView(db, connection);
    await screen.findByText('@skywardair my bag arrived broken <img src=x onerror=alert(1)>');
    expect(screen.getByText('Checked the bag file: <script>alert(1)</script>')).toBeTruthy();
    // The profile's markup stays text too.
    expect(await screen.findByText('<b>VIP</b>')).toBeTruthy();
    expect(container.querySelectorAll('img, script, b, iframe, a[href]')).toHaveLength(0);
  });

  it('marks a reply still in the outbox as queued', async () => {
    renderView(db, connection);
    await screen.findByText('Booking ref is QX7P2L');
    await connection.enqueue('conversation.note', {
      conversationId: 'conv-x',
      messageId: crypto.randomUUID(),
      body: 'Offline note',
    });
    const note = (await screen.findByText('Offline note')).closest('li')!;
    expect(note.dataset.queued).toBe('true');
    expect(within(note).getByTestId('message-queued').textContent).toBe('Queued');
    // Synced messages are not marked.
    expect(screen.queryAllByTestId('message-queued')).toHaveLength(1);
  });
});
