import { CHAT_WIDGET_CSS } from './widgetStyles';

/**
 * The embeddable chat widget, served as `/chat/widget.js`: plain browser JavaScript, no framework
 * and no build step, kept as text here because it runs in the customer's browser, not in Node.
 * Embedding: `<script src="https://<backend>/chat/widget.js" data-title="Chat with us" defer></script>`.
 *
 * - Loads the socket.io client the backend serves (`/socket.io/socket.io.js`) and talks to `/chat`.
 * - Asks the visitor's name and email once; keeps them and a random visitor id in localStorage, so
 *   a reload (or another tab) continues the same conversation, shown again with `history`.
 * - Renders in a shadow root, every text with `textContent` (agents' replies are never HTML).
 * - Works under a strict Content-Security-Policy: no inline script or style, no eval, no
 *   `on…` attributes; styles are a constructed stylesheet (or `/chat/widget.css`).
 * - Typing indicators both ways; messages not yet acknowledged are resent on reconnect with the same
 *   id, so a lost answer never doubles a message.
 */
const WIDGET_SOURCE = String.raw`(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src$="/chat/widget.js"]');
  if (!script || !script.src || window.__switchboardChat) return;
  window.__switchboardChat = true;
  var base = new URL(script.src, location.href).origin;
  var title = script.getAttribute('data-title') || 'Chat with us';
  var STORE = 'switchboard-chat';
  var CSS = __CSS__;

  var memory = null;
  function loadProfile() {
    try { return JSON.parse(localStorage.getItem(STORE) || 'null') || memory || {}; } catch (e) { return memory || {}; }
  }
  function saveProfile(profile) {
    memory = profile;
    try { localStorage.setItem(STORE, JSON.stringify(profile)); } catch (e) { /* storage blocked: this page only */ }
  }
  /** A v4 UUID from getRandomValues, which (unlike randomUUID) plain-http pages have too. */
  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clock(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  var profile = loadProfile();
  if (!profile.visitorId) {
    profile.visitorId = uuid();
    saveProfile(profile);
  }

  var host = el('div');
  host.setAttribute('data-switchboard-chat', '');
  var root = host.attachShadow({ mode: 'open' });
  if (typeof CSSStyleSheet === 'function' && 'adoptedStyleSheets' in root && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    var link = el('link');
    link.rel = 'stylesheet';
    link.href = base + '/chat/widget.css';
    root.appendChild(link);
  }

  var launcher = el('button', 'launcher', title);
  launcher.type = 'button';
  launcher.setAttribute('aria-expanded', 'false');
  var unread = el('span', 'unread');
  unread.hidden = true;
  unread.setAttribute('aria-label', 'new message');
  launcher.appendChild(unread);

  var panel = el('section', 'panel');
  panel.hidden = true;
  panel.setAttribute('aria-label', title);
  var header = el('header');
  header.appendChild(el('h2', '', title));
  var closeButton = el('button', '', '\u00d7');
  closeButton.type = 'button';
  closeButton.setAttribute('aria-label', 'Close the chat');
  header.appendChild(closeButton);
  panel.appendChild(header);

  var start = el('form', 'start');
  start.noValidate = true;
  start.appendChild(el('p', '', 'Tell us who you are and we will be right with you.'));
  var nameLabel = el('label', '', 'Your name');
  var nameInput = el('input');
  nameInput.id = 'sb-name';
  nameInput.maxLength = 100;
  nameInput.autocomplete = 'name';
  nameLabel.htmlFor = 'sb-name';
  var emailLabel = el('label', '', 'Email (optional, for a copy of our answer)');
  var emailInput = el('input');
  emailInput.id = 'sb-email';
  emailInput.type = 'email';
  emailInput.maxLength = 320;
  emailInput.autocomplete = 'email';
  emailLabel.htmlFor = 'sb-email';
  var startError = el('p', 'error');
  startError.setAttribute('role', 'alert');
  var startButton = el('button', 'primary', 'Start chat');
  startButton.type = 'submit';
  [nameLabel, nameInput, emailLabel, emailInput, startError, startButton].forEach(function (n) { start.appendChild(n); });
  panel.appendChild(start);

  var chat = el('div', 'chat');
  chat.hidden = true;
  var log = el('ol', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  var typingLine = el('p', 'typing');
  typingLine.setAttribute('aria-live', 'polite');
  var statusLine = el('p', 'status');
  statusLine.setAttribute('role', 'status');
  var composer = el('form', 'composer');
  var textInput = el('textarea');
  textInput.maxLength = 5000;
  textInput.setAttribute('aria-label', 'Your message');
  textInput.placeholder = 'Type a message';
  var sendButton = el('button', 'primary', 'Send');
  sendButton.type = 'submit';
  composer.appendChild(textInput);
  composer.appendChild(sendButton);
  [log, typingLine, statusLine, composer].forEach(function (n) { chat.appendChild(n); });
  panel.appendChild(chat);

  root.appendChild(launcher);
  root.appendChild(panel);

  var socket = null;
  var shown = {};
  var pending = [];
  var typingSentAt = 0;
  var typingIdle = null;
  var agentTypingTimer = null;

  function status(text) { statusLine.textContent = text || ''; }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function line(from, text, meta) {
    var item = el('li', 'msg ' + from);
    item.appendChild(el('div', 'text', text));
    item.appendChild(el('div', 'meta', meta));
    log.appendChild(item);
    scrollDown();
    return item;
  }
  function showMessage(m) {
    if (!m || typeof m.messageId !== 'string' || shown[m.messageId]) return;
    shown[m.messageId] = true;
    var from = m.from === 'visitor' ? 'visitor' : 'agent';
    var who = from === 'visitor' ? 'You' : (m.agentName || 'Support');
    line(from, m.text, who + ' \u00b7 ' + clock(m.at));
    if (from === 'agent' && panel.hidden) unread.hidden = false;
  }

  function setPending(p, state, note) {
    p.item.className = 'msg visitor ' + state;
    p.item.lastChild.textContent = note;
  }
  function trySend(p) {
    if (!socket || !socket.connected || p.sending) return;
    p.sending = true;
    var attempt = (p.attempt = (p.attempt || 0) + 1);
    setPending(p, 'pending', 'Sending\u2026');
    socket.timeout(10000).emit('message', { clientMessageId: p.id, text: p.text }, function (err, answer) {
      // An answer to a try made before a reconnect: the resend's answer counts.
      if (attempt !== p.attempt) return;
      p.sending = false;
      if (err) { setPending(p, 'pending', 'Not sent yet: trying again\u2026'); setTimeout(function () { trySend(p); }, 3000); return; }
      if (answer && answer.ok) {
        pending = pending.filter(function (q) { return q !== p; });
        shown[answer.messageId] = true;
        setPending(p, '', 'You \u00b7 ' + clock(new Date().toISOString()));
        return;
      }
      var error = (answer && answer.error) || 'Not sent.';
      if (answer && answer.retryable) {
        setPending(p, 'pending', error);
        setTimeout(function () { trySend(p); }, 2000);
        return;
      }
      pending = pending.filter(function (q) { return q !== p; });
      setPending(p, 'failed', error);
    });
  }
  function send(text) {
    var p = { id: uuid(), text: text, sending: false };
    p.item = line('visitor pending', text, 'Sending\u2026');
    pending.push(p);
    trySend(p);
  }

  function showAgentTyping(typing, name) {
    clearTimeout(agentTypingTimer);
    typingLine.textContent = typing ? (name || 'An agent') + ' is typing\u2026' : '';
    // A lost "stopped" must not leave it up for good.
    if (typing) agentTypingTimer = setTimeout(function () { typingLine.textContent = ''; }, 10000);
  }
  function typed() {
    if (!socket || !socket.connected) return;
    var now = Date.now();
    if (now - typingSentAt > 4000) {
      typingSentAt = now;
      socket.emit('typing', { typing: true });
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stoppedTyping, 3000);
  }
  function stoppedTyping() {
    clearTimeout(typingIdle);
    if (!typingSentAt) return;
    typingSentAt = 0;
    if (socket && socket.connected) socket.emit('typing', { typing: false });
  }

  function loadClient(ready) {
    if (typeof window.io === 'function') { ready(window.io); return; }
    var tag = document.createElement('script');
    tag.src = base + '/socket.io/socket.io.js';
    tag.async = true;
    tag.addEventListener('load', function () { ready(window.io); });
    tag.addEventListener('error', function () { status('The chat could not load. Check your connection and reload the page.'); });
    document.head.appendChild(tag);
  }
  function connect() {
    if (socket) return;
    status('Connecting\u2026');
    loadClient(function (io) {
      if (typeof io !== 'function') { status('The chat could not load. Reload the page.'); return; }
      socket = io(base + '/chat', {
        auth: { visitorId: profile.visitorId, name: profile.name, email: profile.email || '' },
        transports: ['websocket', 'polling'],
      });
      socket.on('connect', function () {
        status('');
        socket.emit('history', {}, function (answer) {
          if (!answer || !answer.ok) { status((answer && answer.error) || 'The conversation could not be loaded.'); return; }
          var waiting = {};
          pending.forEach(function (p) { waiting[p.id] = p; });
          answer.messages.forEach(function (m) {
            var p = m.clientMessageId && waiting[m.clientMessageId];
            if (p) {
              // Stored before the answer was lost: it is sent, not pending.
              pending = pending.filter(function (q) { return q !== p; });
              shown[m.messageId] = true;
              setPending(p, '', 'You \u00b7 ' + clock(m.at));
            } else {
              showMessage(m);
            }
          });
          pending.forEach(trySend);
        });
      });
      socket.on('connect_error', function (err) {
        var data = err && err.data;
        if (data && data.code === 'invalid_handshake') {
          socket.close();
          socket = null;
          showStart(data.message);
          return;
        }
        status('Reconnecting\u2026');
      });
      socket.on('disconnect', function () {
        status('Connection lost: reconnecting\u2026');
        // Unanswered messages are sent again, with the same ids, once connected.
        pending.forEach(function (p) { p.sending = false; p.attempt = (p.attempt || 0) + 1; });
      });
      socket.on('message', function (m) { showAgentTyping(false); showMessage(m); });
      socket.on('agent_typing', function (t) { showAgentTyping(Boolean(t && t.typing), t && t.agentName); });
    });
  }

  function showStart(error) {
    start.hidden = false;
    chat.hidden = true;
    nameInput.value = profile.name || '';
    emailInput.value = profile.email || '';
    startError.textContent = error || '';
  }
  function showChat() {
    start.hidden = true;
    chat.hidden = false;
    connect();
  }

  launcher.addEventListener('click', function () {
    panel.hidden = !panel.hidden;
    launcher.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) {
      unread.hidden = true;
      (chat.hidden ? nameInput : textInput).focus();
      scrollDown();
    }
  });
  closeButton.addEventListener('click', function () {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  });
  start.addEventListener('submit', function (event) {
    event.preventDefault();
    var name = nameInput.value.trim();
    var email = emailInput.value.trim();
    if (!name) { startError.textContent = 'Please tell us your name.'; nameInput.focus(); return; }
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { startError.textContent = 'That email address does not look right.'; emailInput.focus(); return; }
    profile.name = name.slice(0, 100);
    profile.email = email;
    saveProfile(profile);
    showChat();
    textInput.focus();
  });
  composer.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = textInput.value;
    if (!text.trim()) return;
    textInput.value = '';
    stoppedTyping();
    send(text);
  });
  textInput.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : sendButton.click();
    }
  });
  textInput.addEventListener('input', typed);

  function mount() {
    document.body.appendChild(host);
    if (profile.name) showChat();
    else showStart('');
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;

export const CHAT_WIDGET_JS = WIDGET_SOURCE.replace('__CSS__', () => JSON.stringify(CHAT_WIDGET_CSS));
