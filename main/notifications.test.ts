import { describe, expect, it, vi } from 'vitest';
import { NOTIFICATIONS_OFF } from '../shared/ipc';
import {
  createNotifier,
  NOTIFICATIONS_UNSUPPORTED,
  osSafeText,
  type NotifierOptions,
  type OsNotification,
  type OsNotificationOptions,
} from './notifications';

/** Electron's Notification as a fake: the test sees what was shown and plays the agent's click. */
class FakeNotification implements OsNotification {
  readonly listeners = new Map<string, Array<() => void>>();
  shown = false;
  closed = false;
  constructor(readonly options: OsNotificationOptions) {}
  on(event: string, listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
    this.fire('close');
  }
  fire(event: 'click' | 'close' | 'failed') {
    this.listeners.get(event)?.forEach((l) => l());
  }
}

function notifier(overrides: Partial<NotifierOptions> = {}) {
  const made: FakeNotification[] = [];
  const options: NotifierOptions = {
    isSupported: () => true,
    create: (o) => {
      const n = new FakeNotification(o);
      made.push(n);
      return n;
    },
    enabled: () => true,
    showWindow: vi.fn(),
    clicked: vi.fn(),
    platform: 'win32',
    log: vi.fn(),
    ...overrides,
  };
  return { notifier: createNotifier(options), made, options };
}

const call = { title: 'Incoming call from Dana Reyes', body: 'Refund for order 1042', tag: 'c1:offer' };

describe('createNotifier', () => {
  it('shows an OS notification with the title, body and tag as its id', () => {
    const { notifier: n, made } = notifier();
    expect(n.show(call)).toEqual({ shown: true });
    expect(made).toHaveLength(1);
    expect(made[0]!.options).toEqual({ id: 'c1:offer', title: call.title, body: call.body });
    expect(made[0]!.shown).toBe(true);
  });

  it('shows nothing and says why when the agent turned notifications off in Settings', () => {
    let enabled = false;
    const { notifier: n, made } = notifier({ enabled: () => enabled });
    expect(n.show(call)).toEqual({ shown: false, reason: NOTIFICATIONS_OFF });
    expect(NOTIFICATIONS_OFF).toBe('Notifications are off in Settings.');
    expect(made).toEqual([]);

    enabled = true;
    expect(n.show(call)).toEqual({ shown: true });
  });

  it('shows nothing and says why when the OS has no notification service', () => {
    const { notifier: n, made } = notifier({ isSupported: () => false });
    expect(n.show(call)).toEqual({ shown: false, reason: NOTIFICATIONS_UNSUPPORTED });
    expect(made).toEqual([]);
  });

  it('brings the window back and tells the renderer which notification was clicked', () => {
    const { notifier: n, made, options } = notifier();
    n.show(call);
    made[0]!.fire('click');
    expect(options.showWindow).toHaveBeenCalledTimes(1);
    expect(options.clicked).toHaveBeenCalledExactlyOnceWith('c1:offer');
  });

  it('replaces an earlier notification with the same tag instead of stacking them', () => {
    const { notifier: n, made } = notifier();
    n.show({ ...call, tag: 'c1:sla_warning' });
    n.show({ ...call, tag: 'c2:sla_warning' });
    n.show({ ...call, tag: 'c1:sla_warning', title: 'First response due in 2 min' });
    expect(made.map((m) => [m.options.id, m.closed])).toEqual([
      ['c1:sla_warning', true],
      ['c2:sla_warning', false],
      ['c1:sla_warning', false],
    ]);
  });

  it('keeps a closed notification from closing the newer one with its tag', () => {
    const { notifier: n, made } = notifier();
    n.show(call);
    n.show(call);
    made[0]!.fire('close');
    n.show(call);
    expect(made[1]!.closed).toBe(true);
    expect(made[2]!.closed).toBe(false);
  });

  it('logs a notification the OS failed to show', () => {
    const { notifier: n, made, options } = notifier();
    n.show(call);
    made[0]!.fire('failed');
    expect(options.log).toHaveBeenCalledWith('notification c1:offer could not be shown');
  });

  it('turns angle brackets into look-alikes on Linux, where the body may be read as markup', () => {
    const { notifier: n, made } = notifier({ platform: 'linux' });
    n.show({
      title: '<b>Dana</b>',
      body: 'see <a href="https://evil.test">this</a> <img src="https://t.test/p">',
      tag: 't',
    });
    expect(made[0]!.options.title).toBe('‹b›Dana‹/b›');
    expect(made[0]!.options.body).toBe('see ‹a href="https://evil.test"›this‹/a› ‹img src="https://t.test/p"›');
  });
});

describe('osSafeText', () => {
  it('leaves text alone where notifications are plain text', () => {
    expect(osSafeText('a <b> c', 'darwin')).toBe('a <b> c');
    expect(osSafeText('a <b> c', 'win32')).toBe('a <b> c');
  });
});
