import type { Presence } from '../../shared/domain';

/**
 * Idle → away: an available agent who walks off (idle past the setting, or the screen locked) is
 * set to Away so no work is routed to an empty chair. Coming back is the agent's choice: the app
 * asks, it never sets them Available on its own. Pure; `useIdleAway` feeds it.
 */

export interface IdleAwayInput {
  /** The agent's presence as the mirror shows it (with their pending change); null before it loads. */
  presence: Presence | null;
  idleSeconds: number;
  /** The `idleAwaySeconds` setting. */
  idleAwaySeconds: number;
  screenLocked: boolean;
  /** Talking on a call without touching the keyboard is not being away. */
  onCall: boolean;
}

export interface AutoAway {
  reason: 'idle' | 'lock';
  /** Idle time when it happened, for the prompt. */
  idleSeconds: number;
  /** The mirror has shown Away since: from then on, another presence means the agent changed it. */
  seenAway: boolean;
}

export interface IdleAwayState {
  /** Set when this app set the agent Away; null otherwise (the agent chose Away themselves). */
  auto: AutoAway | null;
  /** The agent is back and asked whether to return to Available. */
  prompt: boolean;
  /** After the agent answered, idle must end before it may count again (the OS figure lags). */
  waitForInput: boolean;
}

export const IDLE_AWAY_START: IdleAwayState = { auto: null, prompt: false, waitForInput: false };

export interface IdleAwayStep {
  state: IdleAwayState;
  /** Set the agent Away now (`presence.set` through the outbox). */
  setAway: boolean;
}

export function stepIdleAway(state: IdleAwayState, input: IdleAwayInput): IdleAwayStep {
  const idle = input.idleSeconds >= input.idleAwaySeconds;
  const waitForInput = state.waitForInput && idle;
  const { auto } = state;

  if (auto) {
    if (input.presence === 'away') {
      return {
        state: { auto: { ...auto, seenAway: true }, prompt: state.prompt || isBack(auto, input, idle), waitForInput },
        setAway: false,
      };
    }
    // Away was shown and now is not: the agent (here or on another device) already chose.
    if (auto.seenAway && input.presence !== null)
      return { state: { ...IDLE_AWAY_START, waitForInput }, setAway: false };
    return { state: { ...state, waitForInput }, setAway: false };
  }

  if (input.presence === 'available' && !input.onCall) {
    const reason = input.screenLocked ? 'lock' : idle && !waitForInput ? 'idle' : null;
    if (reason) {
      return {
        state: {
          auto: { reason, idleSeconds: input.idleSeconds, seenAway: false },
          prompt: false,
          waitForInput: false,
        },
        setAway: true,
      };
    }
  }
  return { state: state.waitForInput === waitForInput ? state : { ...state, waitForInput }, setAway: false };
}

/** Back at the computer: unlocked, and (when idle time was the reason) using it again. */
function isBack(auto: AutoAway, input: IdleAwayInput, idle: boolean): boolean {
  return !input.screenLocked && (auto.reason === 'lock' || !idle);
}

/** The agent answered the prompt (either way), or setting Away failed: forget the automatic Away. */
export function settleIdleAway(): IdleAwayState {
  return { auto: null, prompt: false, waitForInput: true };
}

export function idlePromptText(auto: AutoAway): string {
  if (auto.reason === 'lock') return 'You were set to Away when your screen locked.';
  return `You were set to Away after ${idleDuration(auto.idleSeconds)} idle.`;
}

function idleDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
