import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './heap';

interface Node {
  value: number;
  index: number;
}

function trackedHeap(): BinaryHeap<Node> {
  return new BinaryHeap<Node>(
    (node) => node.value,
    undefined,
    (node, index) => {
      node.index = index;
    },
  );
}

describe('binary heap', () => {
  it('pops in ascending order whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new BinaryHeap<number>((value) => value);
        for (const value of values) heap.push(value);
        const popped: number[] = [];
        for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);
        expect(popped).toEqual([...values].sort((a, b) => a - b));
        expect(heap.size).toBe(0);
      }),
    );
  });

  it('removes any element by its reported position and keeps order and positions exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1 }),
        fc.array(fc.nat()),
        (values, removals) => {
          const heap = trackedHeap();
          const nodes = values.map((value) => ({ value, index: -1 }));
          for (const node of nodes) heap.push(node);
          const live = new Set(nodes);
          for (const pick of removals) {
            if (live.size === 0) break;
            const node = [...live][pick % live.size] as Node;
            expect(heap.removeAt(node.index)).toBe(node);
            expect(node.index).toBe(-1);
            live.delete(node);
            heap.values().forEach((n, i) => expect(n.index).toBe(i));
          }
          expect(heap.size).toBe(live.size);
          const popped: number[] = [];
          for (let node = heap.pop(); node !== undefined; node = heap.pop()) popped.push(node.value);
          expect(popped).toEqual([...live].map((n) => n.value).sort((a, b) => a - b));
        },
      ),
    );
  });

  it('orders equal keys by the tie-break', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))), (pairs) => {
        const heap = new BinaryHeap<readonly [number, number]>(
          ([key]) => key,
          (a, b) => a[1] < b[1],
        );
        for (const pair of pairs) heap.push(pair);
        const popped: Array<readonly [number, number]> = [];
        for (let pair = heap.pop(); pair !== undefined; pair = heap.pop()) popped.push(pair);
        expect(popped).toEqual([...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
      }),
    );
  });

  it('answers undefined when empty', () => {
    const heap = trackedHeap();
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });
});
