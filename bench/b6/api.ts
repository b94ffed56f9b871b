/** What bench/b6/page.ts exposes on `window` for the B6 driver (bench/b6-enqueue-chromium.ts). */
export interface B6Api {
  /** Opens the engine's database and a plain one for the raw puts; resolves when both are ready. */
  setup(): Promise<B6Setup>;
  /** `n` calls of `engine.enqueue` (a note: effect + outbox row), one after the other: ms each. */
  runEnqueue(n: number): Promise<number[]>;
  /** `n` raw IndexedDB puts, one `readwrite` transaction each with strict durability: ms each. */
  runRawPut(n: number): Promise<number[]>;
}

export interface B6Setup {
  /** JSON size of one outbox row of the engine, and of one raw row (the same shape and size). */
  outboxRowBytes: number;
  rawRowBytes: number;
  /** Whether the page is cross-origin isolated (performance.now() then has a fine resolution). */
  crossOriginIsolated: boolean;
  userAgent: string;
}

export const B6_WINDOW_KEY = '__b6';
