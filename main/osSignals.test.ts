import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { HostEvent } from '../shared/ipc';
import { forwardOsSignals, type Emit, type PowerMonitorLike } from './osSignals';

/** A powerMonitor whose events the test fires and whose idle time it sets. */
class FakePowerMonitor extends EventEmitter implements PowerMonitorLike {
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
}

function startSignals(options: { online?: boolean; pollMs?: number } = {}) {
  const powerMonitor = new FakePowerMonitor();
  let online = options.online ?? true;
  const emitted: Array<[HostEvent, unknown]> = [];
  const emit: Emit = (event, payload) => void emitted.push([event, payload]);
  let tick: (() => void) | undefined;
  const unref = vi.fn();
  const setInterval = vi.fn((fn: () => void) => {
    tick = fn;
    return { unref };
  });
  const signals = forwardOsSignals({
    powerMonitor,
    isOnline: () => online,
    emit,
    setInterval,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  const poll = () => {
    if (!tick) throw new Error('no interval was started');
    tick();
  };
  return {
    powerMonitor,
    emitted,
    signals,
    poll,
    setInterval,
    unref,
    setOnline: (value: boolean) => void (online = value),
  };
}

describe('forwardOsSignals', () => {
  it.each([
    ['suspend', ['host:power', { state: 'suspend' }]],
    ['resume', ['host:power', { state: 'resume' }]],
    ['lock-screen', ['host:screen', { state: 'lock' }]],
    ['unlock-screen', ['host:screen', { state: 'unlock' }]],
  ] as const)('forwards the OS %s event to the renderer', (osEvent, expected) => {
    const { powerMonitor, emitted } = startSignals();
    powerMonitor.emit(osEvent);
    expect(emitted).toEqual([expected]);
  });

  it('samples every 5 seconds by default, without keeping the process alive', () => {
    const { setInterval, unref } = startSignals();
    expect(setInterval).toHaveBeenCalledWith(expect.any(Function), 5000);
    expect(unref).toHaveBeenCalled();
  });

  it('samples at the interval it is given', () => {
    const { setInterval } = startSignals({ pollMs: 250 });
    expect(setInterval).toHaveBeenCalledWith(expect.any(Function), 250);
  });

  it('emits a network change only when connectivity actually changes', () => {
    const { poll, setOnline, emitted, signals } = startSignals({ online: true });
    poll();
    expect(emitted).toEqual([]);

    setOnline(false);
    poll();
    poll();
    setOnline(true);
    poll();

    expect(emitted).toEqual([
      ['host:network', { online: false }],
      ['host:network', { online: true }],
    ]);
    expect(signals.current().online).toBe(true);
  });

  it('starts from the connectivity at start-up, so an offline start emits nothing until it changes', () => {
    const { poll, emitted, signals } = startSignals({ online: false });
    poll();
    expect(emitted).toEqual([]);
    expect(signals.current()).toEqual({ online: false, idleSeconds: 0 });
  });

  it('emits the idle time in whole seconds when it changes', () => {
    const { poll, powerMonitor, emitted, signals } = startSignals();
    powerMonitor.idleSeconds = 42.7;
    poll();
    poll();
    powerMonitor.idleSeconds = 0;
    poll();

    expect(emitted).toEqual([
      ['host:idle', { idleSeconds: 42 }],
      ['host:idle', { idleSeconds: 0 }],
    ]);
    expect(signals.current().idleSeconds).toBe(0);
  });

  it('never emits a negative idle time', () => {
    const { poll, powerMonitor, emitted } = startSignals();
    powerMonitor.idleSeconds = -3;
    poll();
    expect(emitted).toEqual([]);
  });
});
