import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncDb } from '../sync/db';
import { FakeConnection, ME, openDb, renderView, seed } from './testKit';

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

  it('shows where each reply is on its way to the customer, and why one was not delivered', async () => {
    await db.messages.update('m-out', { delivery: 'failed', deliveryError: 'X refused it: duplicate content.' });
    await db.messages.put({
      id: 'm-out2',
      conversationId: 'conv-x',
      direction: 'outbound',
      visibility: 'public',
      authorAgentId: 'dana',
      speaker: null,
      body: 'Second try',
      templateId: null,
      createdAt: '2026-11-26T10:05:00.000Z',
      via: null,
      delivery: 'pending',
      deliveryError: 'X answered 503',
    });
    renderView(db, connection);
    const list = await screen.findByRole('list', { name: 'Messages' });
    await within(list).findByText('Second try');
    const states = within(list).getAllByTestId('delivery');
    expect(states.map((s) => [s.dataset.delivery, s.textContent])).toEqual([
      ['failed', 'Not delivered'],
      ['pending', 'Retrying…'],
    ]);
    expect(within(list).getByTestId('delivery-error').textContent).toBe(
      'Not delivered: X refused it: duplicate content. Try again',
    );
    // Inbound messages and notes have no delivery state.
    expect(
      within(list)
        .getAllByTestId('message')
        .filter((m) => m.querySelector('[data-testid="delivery"]')),
    ).toHaveLength(2);
  });

  it('sends a reply that was not delivered again, queued like any other action', async () => {
    await db.messages.update('m-out', {
      delivery: 'failed',
      deliveryError: 'Not delivered after 9 tries: X answered 503',
    });
    renderView(db, connection);
    const retry = await screen.findByTestId('retry-delivery');
    await userEvent.click(retry);
    expect(connection.enqueued).toEqual([
      {
        type: 'conversation.retry_delivery',
        payload: { conversationId: 'conv-x', messageId: 'm-out' },
        baseVersion: undefined,
      },
    ]);
    // Until the server has the op the reply shows as queued, its failure cleared.
    await waitFor(() => expect(screen.queryByTestId('delivery-error')).toBeNull());
    expect(screen.getByTestId('message-queued')).toBeTruthy();
  });

  it("lists an email's files from the server when asked and says why one was not kept", async () => {
    await db.messages.update('m-dm', { attachmentCount: 2 });
    const fetch = vi.fn(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            attachments: [
              {
                id: 'a1',
                filename: 'bag tag.jpg',
                contentType: 'image/jpeg',
                size: 48_000,
                contentId: null,
                skippedReason: null,
              },
              {
                id: 'a2',
                filename: 'video.mov',
                contentType: 'video/quicktime',
                size: 52_428_800,
                contentId: null,
                skippedReason: 'Larger than the 10 MB limit for one file.',
              },
            ],
          }),
        ),
      ),
    );
    vi.stubGlobal('fetch', fetch);
    const { store } = renderView(db, connection);
    store.setState({
      session: {
        token: 'tok',
        serverUrl: 'http://127.0.0.1:4400',
        agent: { id: ME, name: 'Dana Reyes', email: 'dana@demo.test', role: 'agent' },
        expiresAt: '2026-11-26T12:00:00Z',
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: '2 attached files' }));
    const files = await screen.findAllByTestId('attachment');
    expect(fetch).toHaveBeenCalledWith(
      'http://127.0.0.1:4400/api/messages/m-dm/attachments',
      expect.objectContaining({ headers: { Authorization: 'Bearer tok' } }),
    );
    expect(files.map((f) => f.textContent)).toEqual([
      'bag tag.jpg (47 KB)',
      'video.mov (50.0 MB): not kept. Larger than the 10 MB limit for one file.',
    ]);
    expect(screen.getByRole('button', { name: 'Save bag tag.jpg' })).toBeTruthy();
    vi.unstubAllGlobals();
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
