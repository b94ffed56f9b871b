import { describe, expect, it } from 'vitest';
import { oneAtATime } from './oneAtATime';

describe('oneAtATime', () => {
  it('runs steps in call order, never two at once, and a failure stops only its own caller', async () => {
    const turns = oneAtATime();
    const log: string[] = [];
    let running = 0;
    const step = (name: string, fail = false) =>
      turns(async () => {
        running += 1;
        expect(running).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        log.push(name);
        running -= 1;
        if (fail) throw new Error(name);
        return name;
      });
    const a = step('a');
    const b = step('b', true);
    const c = step('c');
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('idle settles after every step queued so far, even a failed one', async () => {
    const turns = oneAtATime();
    let done = 0;
    void turns(async () => {
      await new Promise((r) => setTimeout(r, 5));
      done += 1;
    }).catch(() => undefined);
    void turns(() => Promise.reject(new Error('x'))).catch(() => undefined);
    await turns.idle();
    expect(done).toBe(1);
  });
});
