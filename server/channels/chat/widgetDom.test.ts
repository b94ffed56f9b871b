import { Window, type HTMLElement, type HTMLInputElement, type HTMLTextAreaElement } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_WIDGET_JS } from './widgetScript';

type Handler = (...args: unknown[]) => void;

/** The socket.io client as the widget uses it, recording what it sends. */
class FakeSocket {
  connected = false;
  readonly sent: { event: string; payload: unknown; answer?: (reply: unknown) => void }[] = [];
  private readonly handlers = new Map<string, Handler[]>();
  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  emit(event: string, payload: unknown, answer?: (reply: unknown) => void) {
    this.sent.push({ event, payload, ...(answer ? { answer } : {}) });
    return this;
  }
  timeout() {
    return {
      emit: (event: string, payload: unknown, answer: (err: Error | null, reply?: unknown) => void) =>
        this.emit(event, payload, (reply) => answer(null, reply)),
    };
  }
  close() {
    this.connected = false;
  }
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  last(event: string) {
    return this.sent.filter((s) => s.event === event).at(-1);
  }
}

const VISITOR = '0b0c7a9e-2f4d-4a61-9f1e-3c2b5d6e7f80';
let window: Window;
let sockets: { url: string; options: { auth: Record<string, unknown> }; socket: FakeSocket }[];

/** A page on another site with the widget's script tag; the test runs the served source in it, as the browser would. */
function mountWidget() {
  const { document } = window;
  const tag = document.createElement('script');
  // Not fetched by the page: the source is run below.
  tag.type = 'text/plain';
  tag.setAttribute('src', 'https://support.example/chat/widget.js');
  tag.setAttribute('data-title', 'Chat with Skyward');
  document.head.appendChild(tag);
  window.eval(CHAT_WIDGET_JS);
  const root = document.querySelector('[data-switchboard-chat]')!.shadowRoot!;
  return {
    root,
    $: (selector: string) => root.querySelector(selector) as HTMLElement,
    field: (selector: string) => root.querySelector(selector) as HTMLInputElement | HTMLTextAreaElement,
  };
}

const submit = (form: HTMLElement) => form.dispatchEvent(new window.Event('submit', { cancelable: true }));

beforeEach(() => {
  sockets = [];
  window = new Window({ url: 'https://shop.example/help' });
  (window as unknown as { io: unknown }).io = (url: string, options: { auth: Record<string, unknown> }) => {
    const socket = new FakeSocket();
    sockets.push({ url, options, socket });
    return socket;
  };
});
afterEach(async () => {
  await window.happyDOM.close();
});

describe('the chat widget in a page', () => {
  it('asks a name first, keeps it with a visitor id, and connects to /chat with them', () => {
    const { $, field } = mountWidget();
    expect($('.launcher').textContent).toBe('Chat with Skyward');
    expect($('.start').hidden).toBe(false);
    expect(sockets).toHaveLength(0);

    submit($('.start'));
    expect($('.start .error').textContent).toBe('Please tell us your name.');

    field('#sb-name').value = '  Maya Lopez ';
    field('#sb-email').value = 'maya@example.com';
    submit($('.start'));
    const stored = JSON.parse(window.localStorage.getItem('switchboard-chat')!) as Record<string, string>;
    expect(stored).toEqual({
      visitorId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as string,
      name: 'Maya Lopez',
      email: 'maya@example.com',
    });
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('https://support.example/chat');
    expect(sockets[0]!.options.auth).toEqual({
      visitorId: stored.visitorId,
      name: 'Maya Lopez',
      email: 'maya@example.com',
    });
    expect($('.chat').hidden).toBe(false);
  });

  it('renders hostile text from history and agents as text, never as markup', () => {
    window.localStorage.setItem('switchboard-chat', JSON.stringify({ visitorId: VISITOR, name: 'Maya' }));
    const { root, $ } = mountWidget();
    const { socket } = sockets[0]!;
    socket.fire('connect');
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    socket.last('history')!.answer!({
      ok: true,
      conversationId: 'c1',
      messages: [
        { messageId: 'm1', from: 'visitor', text: hostile, at: '2026-03-02T10:00:00Z', clientMessageId: 'c-1' },
        {
          messageId: 'm2',
          from: 'agent',
          text: 'Fine <b>now</b>',
          at: '2026-03-02T10:01:00Z',
          agentName: '<i>Dana</i>',
        },
      ],
    });
    socket.fire('message', {
      messageId: 'm3',
      text: '<a href="javascript:alert(3)">click</a>',
      agentName: 'Dana',
      at: '2026-03-02T10:02:00Z',
    });
    socket.fire('message', {
      messageId: 'm3',
      text: 'the same reply again',
      agentName: 'Dana',
      at: '2026-03-02T10:02:00Z',
    });
    const texts = [...root.querySelectorAll('.log .text')].map((n) => n.textContent);
    expect(texts).toEqual([hostile, 'Fine <b>now</b>', '<a href="javascript:alert(3)">click</a>']);
    expect(root.querySelectorAll('img, script, b, i, a')).toHaveLength(0);
    expect(root.querySelectorAll('.log .meta')[1]!.textContent).toMatch(/^<i>Dana<\/i> · /);
    expect($('.log li:first-child').className).toBe('msg visitor');
    expect($('.log li:nth-child(2)').className).toBe('msg agent');
  });

  it('sends a message with its own id, says when it is stored, and tells the agent while the visitor types', () => {
    window.localStorage.setItem('switchboard-chat', JSON.stringify({ visitorId: VISITOR, name: 'Maya' }));
    const { $, field } = mountWidget();
    const { socket } = sockets[0]!;
    socket.fire('connect');
    socket.last('history')!.answer!({ ok: true, conversationId: null, messages: [] });

    const input = field('.composer textarea');
    input.value = 'Is SK 210 on time?';
    input.dispatchEvent(new window.Event('input'));
    expect(socket.last('typing')!.payload).toEqual({ typing: true });
    submit($('.composer'));
    expect(socket.last('typing')!.payload).toEqual({ typing: false });
    const sent = socket.last('message')!;
    expect(sent.payload).toEqual({
      clientMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      text: 'Is SK 210 on time?',
    });
    expect($('.log li').className).toBe('msg visitor pending');
    sent.answer!({ ok: true, messageId: 'm9' });
    expect($('.log li').className).toBe('msg visitor ');
    expect($('.log li .meta').textContent).toMatch(/^You · /);
    expect(input.value).toBe('');

    socket.fire('agent_typing', { typing: true, agentName: 'Dana' });
    expect($('.typing').textContent).toBe('Dana is typing…');
    socket.fire('agent_typing', { typing: false });
    expect($('.typing').textContent).toBe('');
  });

  it('shows a refused message’s reason, and resends one still unanswered after a reconnect with the same id', () => {
    window.localStorage.setItem('switchboard-chat', JSON.stringify({ visitorId: VISITOR, name: 'Maya' }));
    const { root, $, field } = mountWidget();
    const { socket } = sockets[0]!;
    socket.fire('connect');
    socket.last('history')!.answer!({ ok: true, conversationId: null, messages: [] });
    const send = (text: string) => {
      field('.composer textarea').value = text;
      submit($('.composer'));
      return socket.last('message')!;
    };
    send('first').answer!({ ok: false, error: 'Not sent: text: at most 5000 characters.', retryable: false });
    expect($('.log li.failed .meta').textContent).toBe('Not sent: text: at most 5000 characters.');

    const unanswered = send('second');
    socket.fire('disconnect');
    socket.fire('connect');
    socket.last('history')!.answer!({ ok: true, conversationId: null, messages: [] });
    const resent = socket.last('message')!;
    expect(resent).not.toBe(unanswered);
    expect(resent.payload).toEqual(unanswered.payload);
    resent.answer!({ ok: true, messageId: 'm2' });
    expect(root.querySelectorAll('.log li')).toHaveLength(2);
  });
});
