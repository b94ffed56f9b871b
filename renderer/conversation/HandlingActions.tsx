import { useId, useState } from 'react';
import { DISPOSITIONS } from '../../shared/domain';
import type { SyncConnection } from '../sync/syncConnection';
import { Dialog } from './Dialog';
import type { Agent, Conversation } from './rows';
import { dispositionLabel, failureSentence, PRESENCE_LABELS } from './words';

const NOTES_MAX = 5000;
const TRANSFER_NOTE_MAX = 2000;

/** Queues to hand work to: every skill some agent has, by name. */
export function skillsOf(agents: readonly Agent[]): string[] {
  return [...new Set(agents.flatMap((a) => Object.keys(a.skills)))].sort((a, b) => a.localeCompare(b));
}

/**
 * Finishing and handing on: wrap-up with a disposition, resolve, transfer to a queue or a
 * colleague, escalate to a department. `onDone` runs once the conversation leaves the agent's hands.
 */
export function HandlingActions({
  connection,
  conversation,
  agents,
  agentId,
  onDone,
}: {
  connection: SyncConnection;
  conversation: Conversation;
  agents: readonly Agent[];
  agentId: string;
  onDone: () => void;
}) {
  const conversationId = conversation.id;
  const [disposition, setDisposition] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<'transfer' | 'escalate' | null>(null);
  const ids = { title: useId(), disposition: useId(), notes: useId(), error: useId() };
  const wrapped = conversation.status === 'wrap_up';

  const run = async (steps: (() => Promise<unknown>)[], closes: boolean) => {
    setBusy(true);
    setError(null);
    try {
      for (const step of steps) await step();
      if (closes) onDone();
      else {
        setDisposition('');
        setNotes('');
      }
    } catch (err) {
      setError(`Not queued: ${failureSentence(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const wrapUpStep = () => {
    const trimmed = notes.trim();
    return connection.enqueue('conversation.wrap_up', {
      conversationId,
      disposition,
      ...(trimmed ? { notes: trimmed } : {}),
    });
  };
  const resolveStep = () => connection.enqueue('conversation.resolve', { conversationId });

  const needsDisposition = () => {
    if (disposition) return false;
    setError('Choose an outcome before wrapping up.');
    return true;
  };

  return (
    <section className="cv-handling" aria-labelledby={ids.title} data-testid="handling">
      <h3 id={ids.title}>Wrap-up</h3>
      {wrapped && (
        <p className="cv-wrapped" data-testid="wrapped-as">
          {conversation.disposition
            ? `Wrapped up as “${dispositionLabel(conversation.disposition)}”. Resolve it when you are done.`
            : conversation.channel === 'voice'
              ? 'The call ended: choose an outcome, then resolve it.'
              : 'In wrap-up: choose an outcome, then resolve it.'}
        </p>
      )}
      <form
        className="cv-wrap-up"
        onSubmit={(e) => {
          e.preventDefault();
          if (!needsDisposition()) void run([wrapUpStep], false);
        }}
      >
        <label htmlFor={ids.disposition}>Outcome</label>
        <select
          id={ids.disposition}
          data-testid="wrap-up-disposition"
          value={disposition}
          aria-invalid={error !== null && !disposition}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => {
            setDisposition(e.target.value);
            setError(null);
          }}
        >
          <option value="">Choose an outcome…</option>
          {DISPOSITIONS.map((d) => (
            <option key={d.code} value={d.code}>
              {d.label}
            </option>
          ))}
        </select>
        <label htmlFor={ids.notes}>Wrap-up notes (optional)</label>
        <textarea
          id={ids.notes}
          data-testid="wrap-up-notes"
          rows={2}
          maxLength={NOTES_MAX}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
        {error && (
          <p id={ids.error} className="cv-error" role="alert" data-testid="handling-error">
            {error}
          </p>
        )}
        <div className="cv-actions">
          <button type="submit" data-testid="wrap-up" disabled={busy}>
            Wrap up
          </button>
          <button
            type="button"
            data-testid="wrap-up-resolve"
            disabled={busy}
            onClick={() => {
              if (!needsDisposition()) void run([wrapUpStep, resolveStep], true);
            }}
          >
            Wrap up and resolve
          </button>
          <button
            type="button"
            className={wrapped ? 'primary' : undefined}
            data-testid="resolve"
            disabled={busy}
            onClick={() => void run([resolveStep], true)}
          >
            Resolve
          </button>
          <span className="spacer" />
          <button type="button" data-testid="transfer" disabled={busy} onClick={() => setDialog('transfer')}>
            Transfer…
          </button>
          <button type="button" data-testid="escalate" disabled={busy} onClick={() => setDialog('escalate')}>
            Escalate…
          </button>
        </div>
      </form>
      {dialog === 'transfer' && (
        <TransferDialog
          connection={connection}
          conversationId={conversationId}
          agents={agents}
          agentId={agentId}
          onClose={() => setDialog(null)}
          onDone={onDone}
        />
      )}
      {dialog === 'escalate' && (
        <EscalateDialog
          connection={connection}
          conversationId={conversationId}
          agents={agents}
          onClose={() => setDialog(null)}
          onDone={onDone}
        />
      )}
    </section>
  );
}

// Colleagues whose status this agent is not sent (the directory has none) come after the known ones.
const PRESENCE_ORDER = ['available', 'busy', 'after_call_work', 'away', undefined, 'offline'];

export function TransferDialog({
  connection,
  conversationId,
  agents,
  agentId,
  onClose,
  onDone,
}: {
  connection: SyncConnection;
  conversationId: string;
  agents: readonly Agent[];
  agentId: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [kind, setKind] = useState<'queue' | 'agent'>('queue');
  const [skill, setSkill] = useState('');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { skill: useId(), agent: useId(), note: useId(), error: useId() };
  const skills = skillsOf(agents);
  const colleagues = agents
    .filter((a) => a.id !== agentId)
    .sort(
      (a, b) => PRESENCE_ORDER.indexOf(a.presence) - PRESENCE_ORDER.indexOf(b.presence) || a.name.localeCompare(b.name),
    );

  const submit = async () => {
    const chosen = kind === 'queue' ? skill : target;
    if (!chosen) {
      setError(kind === 'queue' ? 'Choose a queue to transfer to.' : 'Choose a colleague to transfer to.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const trimmed = note.trim();
      await connection.enqueue('conversation.transfer', {
        conversationId,
        to: kind === 'queue' ? { kind: 'queue', skill } : { kind: 'agent', agentId: target },
        ...(trimmed ? { note: trimmed } : {}),
      });
      onClose();
      onDone();
    } catch (err) {
      setError(`Not transferred: ${failureSentence(err)}`);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Transfer conversation" onClose={onClose} testId="transfer-dialog">
      <form
        className="cv-dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset>
          <legend>Transfer to</legend>
          <label>
            <input
              type="radio"
              name="transfer-kind"
              checked={kind === 'queue'}
              onChange={() => {
                setKind('queue');
                setError(null);
              }}
            />{' '}
            A queue
          </label>
          <label>
            <input
              type="radio"
              name="transfer-kind"
              checked={kind === 'agent'}
              onChange={() => {
                setKind('agent');
                setError(null);
              }}
            />{' '}
            A colleague
          </label>
        </fieldset>
        {kind === 'queue' ? (
          <>
            <label htmlFor={ids.skill}>Queue</label>
            <select
              id={ids.skill}
              data-testid="transfer-queue"
              value={skill}
              aria-describedby={error ? ids.error : undefined}
              onChange={(e) => setSkill(e.target.value)}
            >
              <option value="">Choose a queue…</option>
              {skills.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <label htmlFor={ids.agent}>Colleague</label>
            <select
              id={ids.agent}
              data-testid="transfer-agent"
              value={target}
              aria-describedby={error ? ids.error : undefined}
              onChange={(e) => setTarget(e.target.value)}
            >
              <option value="">Choose a colleague…</option>
              {colleagues.map((a) => (
                <option key={a.id} value={a.id} disabled={a.presence === 'offline'}>
                  {a.name || 'Unnamed agent'}
                  {a.presence ? ` (${PRESENCE_LABELS[a.presence]})` : ''}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={ids.note}>Note for whoever takes it (optional)</label>
        <textarea
          id={ids.note}
          data-testid="transfer-note"
          rows={3}
          maxLength={TRANSFER_NOTE_MAX}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        {error && (
          <p id={ids.error} className="cv-error" role="alert">
            {error}
          </p>
        )}
        <div className="cv-actions">
          <button type="submit" className="primary" data-testid="transfer-submit" disabled={busy}>
            Transfer
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function EscalateDialog({
  connection,
  conversationId,
  agents,
  onClose,
  onDone,
}: {
  connection: SyncConnection;
  conversationId: string;
  agents: readonly Agent[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [department, setDepartment] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { department: useId(), note: useId(), error: useId() };
  const departments = skillsOf(agents);

  const submit = async () => {
    const trimmed = note.trim();
    if (!department || !trimmed) {
      setError(!department ? 'Choose a department to escalate to.' : 'Write a note saying why you escalate it.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await connection.enqueue('conversation.escalate', { conversationId, department, note: trimmed });
      onClose();
      onDone();
    } catch (err) {
      setError(`Not escalated: ${failureSentence(err)}`);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Escalate conversation" onClose={onClose} testId="escalate-dialog">
      <form
        className="cv-dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={ids.department}>Department</label>
        <select
          id={ids.department}
          data-testid="escalate-department"
          value={department}
          aria-invalid={error !== null && !department}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setDepartment(e.target.value)}
        >
          <option value="">Choose a department…</option>
          {departments.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <label htmlFor={ids.note}>Why (required)</label>
        <textarea
          id={ids.note}
          data-testid="escalate-note"
          rows={3}
          maxLength={20_000}
          aria-required="true"
          aria-invalid={error !== null && department !== '' && !note.trim()}
          aria-describedby={error ? ids.error : undefined}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        {error && (
          <p id={ids.error} className="cv-error" role="alert">
            {error}
          </p>
        )}
        <div className="cv-actions">
          <button type="submit" className="primary" data-testid="escalate-submit" disabled={busy}>
            Escalate
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
