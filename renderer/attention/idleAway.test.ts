import { describe, expect, it } from 'vitest';
import {
  IDLE_AWAY_START,
  idlePromptText,
  settleIdleAway,
  stepIdleAway,
  type IdleAwayInput,
  type IdleAwayState,
} from './idleAway';

const base: IdleAwayInput = {
  presence: 'available',
  idleSeconds: 0,
  idleAwaySeconds: 300,
  screenLocked: false,
  onCall: false,
};

/** Feeds inputs one after the other, as the hook does, and records when Away was set. */
function run(inputs: Partial<IdleAwayInput>[], start: IdleAwayState = IDLE_AWAY_START) {
  let state = start;
  const setAway: number[] = [];
  inputs.forEach((input, i) => {
    const step = stepIdleAway(state, { ...base, ...input });
    state = step.state;
    if (step.setAway) setAway.push(i);
  });
  return { state, setAway, prompt: state.prompt && state.auto ? idlePromptText(state.auto) : null };
}

describe('idle → away', () => {
  it('sets an available agent Away once idle reaches the setting, and only once', () => {
    const r = run([
      { idleSeconds: 299 },
      { idleSeconds: 300 },
      { idleSeconds: 305 },
      { presence: 'away', idleSeconds: 310 },
    ]);
    expect(r.setAway).toEqual([1]);
    expect(r.state.auto).toEqual({ reason: 'idle', idleSeconds: 300, seenAway: true });
    expect(r.prompt).toBeNull();
  });

  it('asks the agent back when input resumes, without setting them Available', () => {
    const r = run([{ idleSeconds: 300 }, { presence: 'away', idleSeconds: 420 }, { presence: 'away', idleSeconds: 0 }]);
    expect(r.prompt).toBe('You were set to Away after 5 minutes idle.');
    expect(r.setAway).toEqual([0]);
  });

  it('keeps asking until the agent answers, even if they go idle again', () => {
    const r = run([{ idleSeconds: 300 }, { presence: 'away', idleSeconds: 0 }, { presence: 'away', idleSeconds: 900 }]);
    expect(r.prompt).not.toBeNull();
  });

  it.each(['busy', 'after_call_work', 'away', 'offline', null] as const)(
    'leaves an agent who is %s alone',
    (presence) => {
      expect(
        run([
          { presence, idleSeconds: 3600 },
          { presence, screenLocked: true },
        ]).setAway,
      ).toEqual([]);
    },
  );

  it('does not count idle time while the agent is on a call', () => {
    expect(
      run([
        { onCall: true, idleSeconds: 900 },
        { onCall: true, screenLocked: true },
      ]).setAway,
    ).toEqual([]);
  });

  it('sets the agent Away when the screen locks, and asks once it is unlocked', () => {
    const locked = run([{ screenLocked: true }, { presence: 'away', screenLocked: true }]);
    expect(locked.setAway).toEqual([0]);
    expect(locked.prompt).toBeNull();

    const back = run([{ presence: 'away', screenLocked: false, idleSeconds: 400 }], locked.state);
    expect(back.prompt).toBe('You were set to Away when your screen locked.');
  });

  it('waits for the agent to be at the keyboard after an idle Away that was followed by a lock', () => {
    const r = run([
      { idleSeconds: 300 },
      { presence: 'away', idleSeconds: 600, screenLocked: true },
      { presence: 'away', idleSeconds: 600, screenLocked: false },
    ]);
    expect(r.prompt).toBeNull();
    expect(run([{ presence: 'away', idleSeconds: 2 }], r.state).prompt).toBe(
      'You were set to Away after 5 minutes idle.',
    );
  });

  it('forgets the automatic Away when the agent changes their status themselves', () => {
    const r = run([{ idleSeconds: 300 }, { presence: 'away', idleSeconds: 0 }, { presence: 'busy' }]);
    expect(r.state.auto).toBeNull();
    expect(r.prompt).toBeNull();
  });

  it('does not take the available status still shown before Away arrives as the agent’s choice', () => {
    const r = run([{ idleSeconds: 300 }, { presence: 'available', idleSeconds: 305 }]);
    expect(r.state.auto).not.toBeNull();
    expect(r.setAway).toEqual([0]);
  });

  it('after the agent answered, does not set them Away again on the idle time the OS has not updated yet', () => {
    const answered = settleIdleAway();
    expect(run([{ idleSeconds: 400 }, { idleSeconds: 405 }], answered).setAway).toEqual([]);
    expect(run([{ idleSeconds: 400 }, { idleSeconds: 3 }, { idleSeconds: 300 }], answered).setAway).toEqual([2]);
  });

  it('still sets the agent Away on a lock right after they answered', () => {
    expect(run([{ idleSeconds: 400, screenLocked: true }], settleIdleAway()).setAway).toEqual([0]);
  });

  it('follows the setting', () => {
    expect(run([{ idleSeconds: 60, idleAwaySeconds: 60 }]).setAway).toEqual([0]);
    expect(run([{ idleSeconds: 599, idleAwaySeconds: 600 }]).setAway).toEqual([]);
  });
});

describe('idlePromptText', () => {
  it('says how long the agent was idle in words', () => {
    expect(idlePromptText({ reason: 'idle', idleSeconds: 45, seenAway: true })).toBe(
      'You were set to Away after 45 seconds idle.',
    );
    expect(idlePromptText({ reason: 'idle', idleSeconds: 95, seenAway: true })).toBe(
      'You were set to Away after 1 minute idle.',
    );
    expect(idlePromptText({ reason: 'idle', idleSeconds: 1804, seenAway: true })).toBe(
      'You were set to Away after 30 minutes idle.',
    );
  });
});
