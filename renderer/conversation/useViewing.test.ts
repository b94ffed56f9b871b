import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncConnection } from '../sync/syncConnection';
import { TYPING_IDLE_MS, useViewing } from './useViewing';

function fakeConnection() {
  return {
    view: vi.fn((_id: string | null, _typing: boolean) => Promise.resolve()),
    onCollision: vi.fn(() => () => undefined),
  };
}

describe('useViewing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says typing once on the first keystroke and stops after 3 s without one', () => {
    const connection = fakeConnection();
    const { result } = renderHook(() => useViewing(connection as unknown as SyncConnection, 'conv-1'));
    expect(connection.view.mock.calls).toEqual([['conv-1', false]]);

    act(() => result.current.typed());
    act(() => result.current.typed());
    act(() => {
      vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    });
    act(() => result.current.typed());
    expect(connection.view.mock.calls).toEqual([
      ['conv-1', false],
      ['conv-1', true],
    ]);
    act(() => {
      vi.advanceTimersByTime(TYPING_IDLE_MS);
    });
    expect(connection.view).toHaveBeenLastCalledWith('conv-1', false);
    expect(connection.view).toHaveBeenCalledTimes(3);
  });

  it('stops typing at once on send, and leaves the conversation on unmount', () => {
    const connection = fakeConnection();
    const { result, unmount } = renderHook(() => useViewing(connection as unknown as SyncConnection, 'conv-1'));
    act(() => result.current.typed());
    act(() => result.current.stoppedTyping());
    expect(connection.view).toHaveBeenLastCalledWith('conv-1', false);
    // Nothing more when idle: it already stopped.
    act(() => {
      vi.advanceTimersByTime(TYPING_IDLE_MS * 2);
    });
    expect(connection.view).toHaveBeenCalledTimes(3);
    unmount();
    expect(connection.view).toHaveBeenLastCalledWith(null, false);
    expect(connection.view).toHaveBeenCalledTimes(4);
  });
});
