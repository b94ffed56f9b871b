import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { MessagingWindowNote, useMessagingWindow } from '../composer/MessagingWindowNote';
import { personalData, xLength } from '../../shared/replyChecks';
import { renderAnswer, TONE_LABELS } from '../../shared/tones';
import type { DraftRow, SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { describeReason } from '../sync/syncWords';
import {
  countsAsXPost,
  defaultVisibility,
  MAX_BODY,
  placeholdersLeft,
  replyTargets,
  replyTone,
  targetKey,
  type ReplyTarget,
  searchTemplates,
  templateValues,
} from './composerRules';
import { draftKey, loadDraft, saveDraft, type ComposerDraft } from './draftStore';
import { parseRows, TemplateSchema, type Conversation, type Template } from './rows';
import { failureSentence, humanize, PERSONAL_DATA_LABELS } from './words';

/** How many approved answers the picker lists at once; the search narrows them. */
const SHOWN_TEMPLATES = 8;

interface Prompt {
  question: string;
  confirm: string;
  text: string;
  templateId: string;
}

function describeFound(text: string): string {
  const found = personalData(text);
  const parts = found.map((m) => `${PERSONAL_DATA_LABELS[m.kind]} (${m.text})`);
  return [...new Set(parts)].join(', ');
}

/**
 * Writing to the customer or the team: the reply's visibility and tone, approved answers filled in
 * and re-rendered when the tone changes, X's length limit, personal data in public, and internal
 * notes. Nothing typed is lost: the text is cleared only once the outbox holds it.
 */
export function Composer({
  db,
  connection,
  agentId,
  conversation,
  customerName,
  emailAddress = null,
  agentName,
  onTyped,
  onStoppedTyping,
}: {
  db: SyncDb;
  connection: SyncConnection;
  agentId: string;
  conversation: Conversation;
  customerName: string;
  /** The customer's email address, when a social or chat thread may be answered by email. */
  emailAddress?: string | null;
  agentName: string;
  onTyped: () => void;
  onStoppedTyping: () => void;
}) {
  const { id: conversationId, channel } = conversation;
  const key = draftKey(agentId, conversationId);
  const targets = replyTargets(channel, emailAddress);
  const [state, setState] = useState<ComposerDraft>(() => {
    const saved = loadDraft(key);
    const fresh: ComposerDraft = {
      mode: 'reply',
      visibility: defaultVisibility(channel),
      reply: '',
      note: '',
      chosen: null,
    };
    if (!saved) return fresh;
    // A saved target this conversation does not offer (the row changed) falls back to its own.
    return targets.some((t) => targetKey(t) === targetKey(saved))
      ? saved
      : { ...saved, visibility: fresh.visibility, via: undefined };
  });
  const latest = useRef(state);
  latest.current = state;
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [query, setQuery] = useState('');
  const editor = useRef<HTMLTextAreaElement>(null);
  const inFlight = useRef(false);
  const ids = { blockers: useId(), picker: useId(), drafts: useId() };

  useEffect(() => saveDraft(key, state), [key, state]);

  const templates =
    useLiveQuery(async () => parseRows(TemplateSchema, await db.templates.toArray()), [db]) ?? ([] as Template[]);
  const drafts =
    useLiveQuery(
      () => db.drafts.where('conversationId').equals(conversationId).sortBy('createdAt'),
      [db, conversationId],
    ) ?? ([] as DraftRow[]);

  const values = useMemo(
    () => templateValues({ customerName, agentName, conversationId }),
    [customerName, agentName, conversationId],
  );
  const { mode, visibility, via, reply, note, chosen } = state;
  const tone = replyTone(channel, state);
  const text = mode === 'reply' ? reply : note;
  const chosenTemplate = chosen ? templates.find((t) => t.id === chosen.templateId) : undefined;

  // Checks, reply mode: what would keep this reply from going.
  const missing = mode === 'reply' ? placeholdersLeft(reply) : [];
  const xPost = mode === 'reply' && countsAsXPost(channel, visibility);
  const x = xPost ? xLength(reply) : null;
  const pii = mode === 'reply' && visibility === 'public' ? describeFound(reply) : '';
  const tooLong: string[] = [];
  if (x && !x.valid) tooLong.push(`Too long for X: ${-x.remaining} over the ${x.limit} limit. Shorten it to send.`);
  if (text.length > MAX_BODY) tooLong.push(`Too long: at most ${MAX_BODY.toLocaleString()} characters.`);
  const blocked = missing.length > 0 || tooLong.length > 0;
  // Messenger refuses a reply once its window closed; email stays possible when offered.
  const messaging = useMessagingWindow(channel, conversation.lastInboundAt);
  const windowClosed = mode === 'reply' && !via && messaging.window.state === 'closed';
  const canSend = text.trim() !== '' && !blocked && !windowClosed && !sending && !prompt;

  const update = (patch: Partial<ComposerDraft>) => setState((s) => ({ ...s, ...patch }));

  const offerAnswer = (template: Template, next: ReplyTarget, question: string, confirm: string) => {
    const rendered = renderAnswer(template.renderings, replyTone(channel, next), values);
    if ('unavailable' in rendered) {
      setNotice(rendered.unavailable);
      return;
    }
    const current = latest.current;
    const untouched = current.reply.trim() === '' || (current.chosen !== null && current.reply === current.chosen.text);
    if (untouched) {
      update({ reply: rendered.text, chosen: { templateId: template.id, text: rendered.text } });
      editor.current?.focus();
    } else {
      setPrompt({ question, confirm, text: rendered.text, templateId: template.id });
    }
  };

  const insert = (template: Template) => {
    setNotice(null);
    setPrompt(null);
    update({ mode: 'reply' });
    offerAnswer(
      template,
      { visibility, via, label: '' },
      `Replace what you wrote with “${template.title}”?`,
      'Replace my text',
    );
  };

  const switchTarget = (next: ReplyTarget) => {
    setNotice(null);
    setPrompt(null);
    update({ visibility: next.visibility, via: next.via });
    // The same approved answer, in the new tone.
    if (chosenTemplate) {
      const label = TONE_LABELS[replyTone(channel, next)];
      offerAnswer(
        chosenTemplate,
        next,
        `You changed “${chosenTemplate.title}” by hand. Replace your text with its ${label.toLowerCase()} version?`,
        `Use the ${label.toLowerCase()} version`,
      );
    }
  };

  const acceptPrompt = () => {
    if (!prompt) return;
    update({ reply: prompt.text, chosen: { templateId: prompt.templateId, text: prompt.text } });
    setPrompt(null);
    editor.current?.focus();
  };

  const change = (value: string) => {
    setError(null);
    if (mode === 'note') {
      update({ note: value });
      return;
    }
    update(value.trim() === '' ? { reply: value, chosen: null } : { reply: value });
    if (value.trim() === '') onStoppedTyping();
    else onTyped();
  };

  const send = async () => {
    // One send at a time, even if the key is pressed twice before the button shows it.
    if (!canSend || inFlight.current) return;
    inFlight.current = true;
    const current = latest.current;
    const body = (current.mode === 'reply' ? current.reply : current.note).trim();
    const messageId = crypto.randomUUID();
    setSending(true);
    setError(null);
    try {
      if (current.mode === 'reply') {
        await connection.enqueue('conversation.reply', {
          conversationId,
          messageId,
          body,
          visibility: current.via ? 'private' : current.visibility,
          ...(current.chosen ? { templateId: current.chosen.templateId } : {}),
          ...(current.via ? { via: current.via } : {}),
        });
        onStoppedTyping();
      } else {
        await connection.enqueue('conversation.note', { conversationId, messageId, body });
      }
      const cleared: ComposerDraft =
        current.mode === 'reply' ? { ...latest.current, reply: '', chosen: null } : { ...latest.current, note: '' };
      // Stored now too: the view may be gone (another conversation opened) before the state settles.
      saveDraft(key, cleared);
      setState(cleared);
    } catch (err) {
      setError(`Not queued: ${failureSentence(err)} Your text is still here.`);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  const takeDraft = (draft: DraftRow) => {
    setPrompt(null);
    setState((s) => ({
      ...s,
      mode: 'reply',
      ...(targets.some((t) => !t.via && t.visibility === draft.visibility)
        ? { visibility: draft.visibility, via: undefined }
        : {}),
      // Never drops what is already written: the draft goes below it.
      reply: s.reply.trim() ? `${s.reply}\n\n${draft.body}` : draft.body,
      chosen: null,
    }));
    db.drafts.delete(draft.id).catch((err: unknown) => setError(failureSentence(err)));
    editor.current?.focus();
  };

  const discardDraft = (draft: DraftRow) => {
    db.drafts.delete(draft.id).catch((err: unknown) => setError(failureSentence(err)));
  };

  const shown = searchTemplates(templates, query).slice(0, SHOWN_TEMPLATES);

  return (
    <section className="cv-composer" aria-label="Compose" data-testid="composer">
      {drafts.length > 0 && (
        <section className="cv-drafts" aria-labelledby={ids.drafts} data-testid="drafts">
          <h3 id={ids.drafts}>Saved drafts</h3>
          <ul>
            {drafts.map((d) => (
              <li key={d.id} data-testid="draft">
                <p className="cv-body">{d.body}</p>
                <p className="cv-draft-reason">Not sent: {describeReason(d.reason)}.</p>
                <div className="cv-actions">
                  <button type="button" onClick={() => takeDraft(d)}>
                    Use this draft
                  </button>
                  <button type="button" onClick={() => discardDraft(d)}>
                    Discard
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="cv-modes" role="group" aria-label="Write">
        <button
          type="button"
          aria-pressed={mode === 'reply'}
          data-testid="mode-reply"
          onClick={() => update({ mode: 'reply' })}
        >
          Reply
        </button>
        <button
          type="button"
          aria-pressed={mode === 'note'}
          data-testid="mode-note"
          onClick={() => {
            setPrompt(null);
            update({ mode: 'note' });
          }}
        >
          Internal note
        </button>
      </div>

      {mode === 'reply' && (
        <>
          {targets.length > 1 ? (
            <fieldset className="cv-targets">
              <legend>Reply as</legend>
              {targets.map((t) => (
                <label key={targetKey(t)}>
                  <input
                    type="radio"
                    name={`visibility-${conversationId}`}
                    value={targetKey(t)}
                    checked={targetKey(state) === targetKey(t)}
                    onChange={() => switchTarget(t)}
                  />{' '}
                  {t.label}
                </label>
              ))}
            </fieldset>
          ) : (
            <p className="cv-targets">{targets[0]!.label}</p>
          )}
          <MessagingWindowNote
            view={messaging}
            emailOffered={targets.some((t) => t.via === 'email')}
            replyingByEmail={via === 'email'}
            onUseEmail={() => {
              const email = targets.find((t) => t.via === 'email');
              if (email) switchTarget(email);
            }}
          />
          <p className="cv-tone">
            Tone: <strong data-testid="tone-name">{TONE_LABELS[tone]}</strong>
            {chosenTemplate && <span className="cv-chosen"> · answer “{chosenTemplate.title}”</span>}
          </p>
          {channel === 'voice' && (
            <p className="cv-hint">Read the script to the caller; sending it records it in the transcript.</p>
          )}

          <section className="cv-templates" aria-labelledby={ids.picker} data-testid="template-picker">
            <h3 id={ids.picker}>Approved answers</h3>
            <input
              type="search"
              aria-label="Search approved answers by title or topic"
              placeholder="Search answers"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            {shown.length === 0 ? (
              <p className="cv-empty">{templates.length ? 'No answer matches.' : 'No approved answers yet.'}</p>
            ) : (
              <ul aria-label="Matching answers">
                {shown.map((t) => (
                  <li key={t.id}>
                    <button
                      type="button"
                      data-testid="template-option"
                      data-template-id={t.id}
                      onClick={() => insert(t)}
                    >
                      {t.title}
                      {t.topic && <span className="cv-topic"> · {humanize(t.topic)}</span>}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}

      {notice && (
        <p className="cv-notice" role="status" data-testid="template-unavailable">
          {notice}
        </p>
      )}
      {prompt && (
        <div className="cv-prompt" role="group" aria-label="Replace the text?" data-testid="replace-prompt">
          <p>{prompt.question}</p>
          <div className="cv-actions">
            <button type="button" className="primary" onClick={acceptPrompt}>
              {prompt.confirm}
            </button>
            <button type="button" onClick={() => setPrompt(null)}>
              Keep my text
            </button>
          </div>
        </div>
      )}

      <form
        className="cv-editor"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <textarea
          ref={editor}
          className={mode === 'note' ? 'cv-text cv-text-note' : 'cv-text'}
          data-testid="composer-text"
          aria-label={
            mode === 'note' ? 'Internal note (only your team sees it)' : `Reply to ${customerName || 'the customer'}`
          }
          aria-describedby={blocked ? ids.blockers : undefined}
          aria-invalid={blocked}
          rows={5}
          value={text}
          readOnly={sending}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
        />

        {x && (
          <p
            className={`cv-x-counter${x.valid ? '' : ' over'}`}
            data-testid="x-counter"
            data-over={!x.valid}
            aria-live="polite"
          >
            {x.weighted}/{x.limit}
            <span className="visually-hidden"> characters on X{x.valid ? '' : ': too long to post'}</span>
          </p>
        )}

        <div id={ids.blockers} role="status" className="cv-blockers">
          {missing.length > 0 && (
            <p data-testid="missing-variables" className="cv-missing">
              Fill in {missing.map((m) => `{${m}}`).join(', ')} before sending: this answer needs words only you can
              write.
            </p>
          )}
          {tooLong.map((b) => (
            <p key={b} className="cv-blocker">
              {b}
            </p>
          ))}
        </div>

        {pii && (
          <div className="cv-pii" role="alert" data-testid="pii-warning">
            <p>This public reply shows {pii}. Anyone can read a public reply.</p>
            <button
              type="button"
              data-testid="move-private"
              onClick={() => switchTarget({ visibility: 'private', label: '' })}
            >
              Move to private message
            </button>
          </div>
        )}

        {error && (
          <p className="cv-error" role="alert" data-testid="composer-error">
            {error}
          </p>
        )}

        <div className="cv-actions">
          <button
            type="submit"
            className="primary"
            disabled={!canSend}
            data-testid={mode === 'reply' ? 'send-reply' : 'add-note'}
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            {sending ? 'Queuing…' : mode === 'reply' ? 'Send reply' : 'Add note'}
          </button>
          <span className="cv-hint">Ctrl+Enter or ⌘+Enter</span>
        </div>
      </form>
    </section>
  );
}
