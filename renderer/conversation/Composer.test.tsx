import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncDb } from '../sync/db';
import { SyncRequestError } from '../sync/syncConnection';
import { FakeConnection, openDb, renderView, seed } from './testKit';

const editor = () => screen.getByTestId<HTMLTextAreaElement>('composer-text');
const sendButton = () => screen.getByTestId<HTMLButtonElement>('send-reply');
const typeText = (text: string) => fireEvent.change(editor(), { target: { value: text } });

describe('Composer', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    sessionStorage.clear();
    db = openDb();
    connection = new FakeConnection(db);
    await seed(db);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  async function pick(title: string) {
    const picker = await screen.findByTestId('template-picker');
    await userEvent.click(await within(picker).findByRole('button', { name: new RegExp(title) }));
  }

  it('offers a public reply or a private message on a public channel, with the tone by name', async () => {
    renderView(db, connection);
    const publicReply = await screen.findByRole('radio', { name: 'Public reply' });
    expect((publicReply as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('tone-name').textContent).toBe('Public post');
    await userEvent.click(screen.getByRole('radio', { name: 'Private message' }));
    expect(screen.getByTestId('tone-name').textContent).toBe('Private message');
  });

  it('an email conversation replies in the formal email tone', async () => {
    await db.conversations.update('conv-mail', { status: 'assigned', assignedAgentId: 'agent-dana' });
    renderView(db, connection, { conversationId: 'conv-mail' });
    expect((await screen.findByTestId('tone-name')).textContent).toBe('Formal email');
    expect(screen.queryByRole('radio')).toBeNull();
    expect(screen.queryByTestId('x-counter')).toBeNull();
  });

  it('fills an approved answer with the customer, the agent and the case', async () => {
    renderView(db, connection);
    await pick('Damaged baggage');
    expect(editor().value).toBe(
      "We're sorry about your bag, Jordan. Please DM us your booking reference and we'll sort it out. ^DR",
    );
    expect(screen.queryByTestId('missing-variables')).toBeNull();
    await userEvent.click(sendButton());
    await waitFor(() => expect(connection.ops('conversation.reply')).toHaveLength(1));
    expect(connection.ops('conversation.reply')[0]!.payload).toMatchObject({
      conversationId: 'conv-x',
      visibility: 'public',
      templateId: 'tpl-baggage-damaged',
    });
  });

  it('flags a variable it cannot fill and blocks sending until the agent writes it', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    await userEvent.type(screen.getByRole('searchbox', { name: /Search approved answers/ }), 'refu');
    await pick('Refund status');
    expect(editor().value).toContain('order {orderNumber}');
    expect(screen.getByTestId('missing-variables').textContent).toContain('{orderNumber}');
    expect(sendButton().disabled).toBe(true);
    typeText(editor().value.replace('{orderNumber}', 'SK-2291'));
    expect(screen.queryByTestId('missing-variables')).toBeNull();
    expect(sendButton().disabled).toBe(false);
  });

  it('switching to a private message re-renders the chosen answer in the new tone', async () => {
    renderView(db, connection);
    await pick('Damaged baggage');
    await userEvent.click(screen.getByRole('radio', { name: 'Private message' }));
    expect(editor().value).toBe("Hi Jordan, sorry about the damage. I've opened case conv-x. Dana Reyes");
    expect(screen.getByTestId('tone-name').textContent).toBe('Private message');

    // Edited by hand: the agent is asked before their words are replaced.
    typeText(`${editor().value} Talk soon!`);
    await userEvent.click(screen.getByRole('radio', { name: 'Public reply' }));
    const prompt = screen.getByTestId('replace-prompt');
    expect(prompt.textContent).toContain('You changed “Damaged baggage” by hand');
    await userEvent.click(within(prompt).getByRole('button', { name: 'Keep my text' }));
    expect(editor().value).toContain('Talk soon!');

    await userEvent.click(screen.getByRole('radio', { name: 'Private message' }));
    await userEvent.click(screen.getByRole('radio', { name: 'Public reply' }));
    await userEvent.click(within(screen.getByTestId('replace-prompt')).getByRole('button', { name: /public post/ }));
    expect(editor().value).toContain("We're sorry about your bag, Jordan.");
  });

  it('answers a social thread by email: the same answer in the email tone, sent by email and private', async () => {
    renderView(db, connection);
    await pick('Damaged baggage');
    await userEvent.click(screen.getByRole('radio', { name: 'Email to jordan@example.com' }));
    expect(screen.getByTestId('tone-name').textContent).toBe('Formal email');
    expect(editor().value).toBe('Dear Jordan,\n\nWe have opened case conv-x.\n\nKind regards,\nDana Reyes');
    expect(screen.queryByTestId('x-counter')).toBeNull();
    await userEvent.click(sendButton());
    await waitFor(() => expect(connection.ops('conversation.reply')).toHaveLength(1));
    expect(connection.ops('conversation.reply')[0]!.payload).toMatchObject({ visibility: 'private', via: 'email' });
    // The transcript says how it went out.
    expect((await screen.findByTestId('sent-by-email')).closest('li')?.textContent).toContain('Dear Jordan');
  });

  it('counts X’s weighted length and stops at 281', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('a'.repeat(280));
    const counter = screen.getByTestId('x-counter');
    expect(counter.textContent).toContain('280/280');
    expect(counter.dataset.over).toBe('false');
    expect(counter.getAttribute('aria-live')).toBe('polite');
    expect(sendButton().disabled).toBe(false);

    // An emoji weighs 2: 279 + 2 = 281.
    typeText(`${'a'.repeat(279)}😀`);
    expect(screen.getByTestId('x-counter').textContent).toContain('281/280');
    expect(screen.getByTestId('x-counter').dataset.over).toBe('true');
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByText(/Too long for X: 1 over the 280 limit/)).toBeTruthy();

    // A private message is a DM, not a post: no X post limit.
    await userEvent.click(screen.getByRole('radio', { name: 'Private message' }));
    expect(screen.queryByTestId('x-counter')).toBeNull();
    expect(sendButton().disabled).toBe(false);
  });

  it('warns about personal data in a public reply and moves it to a private message', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('Call us back from jordan@example.com or +44 20 7946 0958');
    const warning = screen.getByTestId('pii-warning');
    expect(warning.textContent).toContain('an email address (jordan@example.com)');
    expect(warning.textContent).toContain('a phone number (+44 20 7946 0958)');
    await userEvent.click(screen.getByTestId('move-private'));
    expect(screen.queryByTestId('pii-warning')).toBeNull();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Private message' }).checked).toBe(true);
    expect(editor().value).toBe('Call us back from jordan@example.com or +44 20 7946 0958');
    await userEvent.click(sendButton());
    await waitFor(() => expect(connection.ops('conversation.reply')).toHaveLength(1));
    expect(connection.ops('conversation.reply')[0]!.payload.visibility).toBe('private');
  });

  it('sends the reply through the outbox and clears the editor once it is queued', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('  We are on it.  ');
    await userEvent.click(sendButton());
    await waitFor(() => expect(editor().value).toBe(''));
    const [sent] = connection.ops('conversation.reply');
    expect(sent!.payload).toEqual({
      conversationId: 'conv-x',
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      body: 'We are on it.',
      visibility: 'public',
    });
    // The optimistic message shows at once, queued.
    const shown = (await screen.findByText('We are on it.')).closest('li')!;
    expect(shown.dataset.direction).toBe('outbound');
    expect(shown.dataset.queued).toBe('true');
    expect(connection.view).toHaveBeenCalledWith('conv-x', true);
    expect(connection.view).toHaveBeenLastCalledWith('conv-x', false);
  });

  it('keeps the text in the editor until the outbox holds the reply', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('Not gone yet');
    let release = () => undefined as void;
    connection.gate = new Promise<void>((resolve) => (release = resolve));
    await userEvent.click(sendButton());
    expect(editor().value).toBe('Not gone yet');
    expect(editor().readOnly).toBe(true);
    expect(sendButton().textContent).toBe('Queuing…');
    release();
    await waitFor(() => expect(editor().value).toBe(''));
    expect(editor().readOnly).toBe(false);
  });

  it('keeps the text and says why when the reply cannot be queued', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('Please keep this');
    connection.failNext = new SyncRequestError('storage_full', 'This computer is out of space for queued work.');
    await userEvent.click(sendButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This computer is out of space for queued work.');
    expect(editor().value).toBe('Please keep this');
    expect(connection.ops()).toHaveLength(0);
  });

  it('sends with Ctrl+Enter from the editor', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    editor().focus();
    await userEvent.keyboard('Thanks!{Control>}{Enter}{/Control}');
    await waitFor(() => expect(connection.ops('conversation.reply')).toHaveLength(1));
    expect(connection.ops('conversation.reply')[0]!.payload.body).toBe('Thanks!');
  });

  it('writes internal notes as notes, kept apart from the reply', async () => {
    renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('Reply in progress');
    await userEvent.click(screen.getByTestId('mode-note'));
    expect(editor().value).toBe('');
    expect(screen.queryByTestId('template-picker')).toBeNull();
    typeText('Customer is a frequent flyer');
    await userEvent.click(screen.getByTestId('add-note'));
    await waitFor(() => expect(connection.ops('conversation.note')).toHaveLength(1));
    expect(connection.ops('conversation.note')[0]!.payload).toMatchObject({
      conversationId: 'conv-x',
      body: 'Customer is a frequent flyer',
    });
    await userEvent.click(screen.getByTestId('mode-reply'));
    expect(editor().value).toBe('Reply in progress');
  });

  it('keeps what was typed when the agent comes back to the conversation', async () => {
    const first = renderView(db, connection);
    await screen.findByTestId('template-picker');
    typeText('Half a thought');
    first.rerenderWith({ conversationId: 'conv-call' });
    await screen.findByTestId('read-only');
    first.rerenderWith({ conversationId: 'conv-x' });
    await waitFor(() => expect(editor().value).toBe('Half a thought'));
  });

  it('offers a refused reply’s draft to use or discard', async () => {
    await db.drafts.bulkPut([
      {
        id: 'd-1',
        conversationId: 'conv-x',
        body: 'Your voucher is on its way',
        visibility: 'private',
        reason: 'not_assignee',
        createdAt: 1,
      },
      { id: 'd-2', conversationId: 'conv-x', body: 'Old words', visibility: 'public', reason: 'stale', createdAt: 2 },
    ]);
    renderView(db, connection);
    const drafts = await screen.findAllByTestId('draft');
    expect(drafts).toHaveLength(2);
    expect(drafts[0]!.textContent).toContain('the conversation is no longer yours');
    await userEvent.click(within(drafts[0]!).getByRole('button', { name: 'Use this draft' }));
    expect(editor().value).toBe('Your voucher is on its way');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Private message' }).checked).toBe(true);
    await userEvent.click(within(screen.getByTestId('draft')).getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(screen.queryByTestId('drafts')).toBeNull());
    expect(await db.drafts.count()).toBe(0);
    expect(editor().value).toBe('Your voucher is on its way');
  });
});
