/** Options of an AsyncQueue. */
export interface AsyncQueueOptions {
  /**
   * Buffered items at which `push` starts returning a pending promise, so producers that await it
   * slow to the consumer's pace instead of buffering without bound.
   * @default 256
   */
  highWaterMark?: number;
  /** Called once when the consumer stops early (`return()`, e.g. `break` in for-await). */
  onReturn?: () => void | Promise<void>;
}

/**
 * A single-consumer async queue: many producers push, one for-await loop reads. Readers wait on a
 * promise (never polling); `close(error?)` ends the stream after the buffered items.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #highWaterMark: number;
  readonly #onReturn: (() => void | Promise<void>) | undefined;
  #buffer: T[] = [];
  #reader: { resolve: (result: IteratorResult<T>) => void; reject: (e: unknown) => void } | null =
    null;
  #writers: Array<() => void> = [];
  #closed = false;
  #failure: { error: unknown } | null = null;

  constructor(options: AsyncQueueOptions = {}) {
    this.#highWaterMark = options.highWaterMark ?? 256;
    this.#onReturn = options.onReturn;
  }

  /** True once closed or returned; later pushes are dropped. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Adds an item. Resolves at once while the buffer is below the high-water mark, else when the
   * consumer has caught up (or the queue closed). Items pushed after closing are dropped.
   */
  push(item: T): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#reader) {
      const reader = this.#reader;
      this.#reader = null;
      reader.resolve({ value: item, done: false });
      return Promise.resolve();
    }
    this.#buffer.push(item);
    if (this.#buffer.length < this.#highWaterMark) return Promise.resolve();
    return new Promise((resolve) => this.#writers.push(resolve));
  }

  /** Ends the stream once the buffer drains; with an error, the consumer's loop throws it. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) this.#failure = { error };
    this.#releaseWriters();
    if (this.#reader && this.#buffer.length === 0) {
      const reader = this.#reader;
      this.#reader = null;
      this.#settleEnded(reader);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0) {
      const item = this.#buffer.shift() as T;
      if (this.#buffer.length < this.#highWaterMark) this.#writers.shift()?.();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#closed) {
      return new Promise((resolve, reject) => this.#settleEnded({ resolve, reject }));
    }
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  /** The consumer stopped early: drop the buffer, free producers, and tell the owner. */
  async return(): Promise<IteratorResult<T>> {
    const wasOpen = !this.#closed;
    this.#closed = true;
    this.#failure = null;
    this.#buffer = [];
    this.#releaseWriters();
    if (wasOpen) await this.#onReturn?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #settleEnded(reader: {
    resolve: (result: IteratorResult<T>) => void;
    reject: (e: unknown) => void;
  }): void {
    if (this.#failure) {
      const { error } = this.#failure;
      // The error is reported once; the stream is simply over afterwards.
      this.#failure = null;
      reader.reject(error);
    } else {
      reader.resolve({ value: undefined, done: true });
    }
  }

  #releaseWriters(): void {
    const writers = this.#writers;
    this.#writers = [];
    for (const release of writers) release();
  }
}
