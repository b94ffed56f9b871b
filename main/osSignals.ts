import type { HostEvent, HostEventPayload } from '../shared/ipc';

export interface PowerMonitorLike {
  on(event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen', listener: () => void): unknown;
  getSystemIdleTime(): number;
}

export type Emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) => void;

export interface OsSignalOptions {
  powerMonitor: PowerMonitorLike;
  isOnline: () => boolean;
  emit: Emit;
  /** How often idle time and connectivity are sampled. */
  pollMs?: number;
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
}

/**
 * Forwards the OS's view of the machine to the renderer: the sync engine retries at once on
 * `online` and `resume`, presence goes away on lock and after idle time.
 */
export function forwardOsSignals(options: OsSignalOptions): { current(): { online: boolean; idleSeconds: number } } {
  const { powerMonitor, emit } = options;
  powerMonitor.on('suspend', () => emit('host:power', { state: 'suspend' }));
  powerMonitor.on('resume', () => emit('host:power', { state: 'resume' }));
  powerMonitor.on('lock-screen', () => emit('host:screen', { state: 'lock' }));
  powerMonitor.on('unlock-screen', () => emit('host:screen', { state: 'unlock' }));

  let online = options.isOnline();
  let idleSeconds = 0;
  const tick = () => {
    const nowOnline = options.isOnline();
    if (nowOnline !== online) {
      online = nowOnline;
      emit('host:network', { online });
    }
    const nowIdle = Math.max(0, Math.floor(powerMonitor.getSystemIdleTime()));
    if (nowIdle !== idleSeconds) {
      idleSeconds = nowIdle;
      emit('host:idle', { idleSeconds });
    }
  };
  const timer = (options.setInterval ?? setInterval)(tick, options.pollMs ?? 5000);
  timer.unref?.();
  return { current: () => ({ online, idleSeconds }) };
}
