/**
 * A min-heap ordered by a numeric key, then `tieBefore`. It is 4-ary and keeps the keys in their
 * own array: a sift compares four adjacent numbers per level over half the levels of a binary
 * heap, without touching the elements, which is what keeps a million queued fast (cache misses,
 * not comparisons, dominate there). It reports every element's position through `onPlace` (−1 when the element leaves),
 * so its owner can remove an element from the middle in O(log n) instead of leaving tombstones:
 * routing queues must keep an exact size and must not grow with cancelled conversations.
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];
  private readonly keys: number[] = [];

  constructor(
    private readonly keyOf: (item: T) => number,
    private readonly tieBefore: (a: T, b: T) => boolean = () => false,
    private readonly onPlace: (item: T, index: number) => void = () => {},
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.keys.push(0);
    this.siftUp(this.items.length - 1, item, this.keyOf(item));
  }

  pop(): T | undefined {
    return this.items.length === 0 ? undefined : this.removeAt(0);
  }

  /** Removes the element at `index` (as last reported by `onPlace`). */
  removeAt(index: number): T {
    const removed = this.items[index] as T;
    const last = this.items.pop() as T;
    const lastKey = this.keys.pop() as number;
    this.onPlace(removed, -1);
    if (index < this.items.length) {
      // The former last element fills the hole; it may belong above or below it.
      const parent = (index - 1) >> 2;
      if (index > 0 && this.before(lastKey, last, parent)) this.siftUp(index, last, lastKey);
      else this.siftDown(index, last, lastKey);
    }
    return removed;
  }

  /** Elements in heap order (not sorted); for tests and metrics. */
  values(): readonly T[] {
    return this.items;
  }

  /** Whether (key, item) comes before the element at `index`. */
  private before(key: number, item: T, index: number): boolean {
    const other = this.keys[index] as number;
    return key < other || (key === other && this.tieBefore(item, this.items[index] as T));
  }

  private place(index: number, item: T, key: number): void {
    this.items[index] = item;
    this.keys[index] = key;
    this.onPlace(item, index);
  }

  private siftUp(start: number, item: T, key: number): void {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      if (!this.before(key, item, parent)) break;
      this.place(index, this.items[parent] as T, this.keys[parent] as number);
      index = parent;
    }
    this.place(index, item, key);
  }

  private siftDown(start: number, item: T, key: number): void {
    const length = this.items.length;
    let index = start;
    for (;;) {
      const first = 4 * index + 1;
      if (first >= length) break;
      let child = first;
      const end = Math.min(first + 4, length);
      for (let sibling = first + 1; sibling < end; sibling += 1) {
        if (this.before(this.keys[sibling] as number, this.items[sibling] as T, child)) child = sibling;
      }
      const childKey = this.keys[child] as number;
      const childItem = this.items[child] as T;
      if (!(childKey < key || (childKey === key && this.tieBefore(childItem, item)))) break;
      this.place(index, childItem, childKey);
      index = child;
    }
    this.place(index, item, key);
  }
}
