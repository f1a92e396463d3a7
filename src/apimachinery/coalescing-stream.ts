/**
 * A byte stream fed by pushes: what is pushed during one task (a write, a
 * batch of writes, a replay) is enqueued as one chunk when the task ends, for
 * every stream at once. Every chunk of a streamed response costs the runtime
 * a write (and a TLS record), so a burst fanned out to many watchers leaves
 * as one chunk per watcher, while a lone event waits only for the end of the
 * task that made it. An earlier version held pushes until the runtime pulled
 * again (a promise per event per stream); measured with 1,000 watchers at 20
 * writes/s it doubled the write→event median (bench/README.md).
 */
import { concatBytes } from "./bytes.js";

/**
 * The streams of one owner (a store's watch hub) flushed by one timer. Not
 * module-wide: Durable Objects sharing an isolate must not enqueue into each
 * other's streams from their own timers.
 */
export class FlushGroup {
  private dirty = new Set<CoalescingStream>();
  private scheduled = false;

  add(s: CoalescingStream): void {
    this.dirty.add(s);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      const streams = [...this.dirty];
      this.dirty.clear();
      for (const d of streams) d.flush();
    }, 0);
  }

  delete(s: CoalescingStream): void {
    this.dirty.delete(s);
  }
}

export class CoalescingStream {
  readonly readable: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private pending: Uint8Array[] = [];
  private bytes = 0;
  private ended = false;

  /** group: the timer this stream's pushes wait for (its own, unless it shares its owner's). */
  constructor(
    onCancel?: () => void,
    private group = new FlushGroup(),
  ) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        cancel: () => {
          this.ended = true;
          this.pending = [];
          this.bytes = 0;
          this.group.delete(this);
          onCancel?.();
        },
      },
      // Sized in bytes, so what the reader has not taken yet shows as -desiredSize.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  /** Bytes pushed and not yet taken by the reader. */
  get pendingBytes(): number {
    if (this.ended && this.bytes === 0) return 0;
    return this.bytes + Math.max(0, -(this.controller.desiredSize ?? 0));
  }

  /** Whether the stream was ended or its reader went away. */
  get closed(): boolean {
    return this.ended;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.pending.push(chunk);
    this.bytes += chunk.byteLength;
    this.group.add(this);
  }

  /** End the stream once what is pending has been read. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
  }

  /** Enqueue what was pushed as one chunk (and close, once ended). */
  flush(): void {
    this.group.delete(this);
    if (this.bytes > 0) {
      const chunks = this.pending;
      this.pending = [];
      this.bytes = 0;
      this.controller.enqueue(concatBytes(chunks));
    }
    if (this.ended) {
      try {
        this.controller.close();
      } catch {
        // Cancelled by its reader meanwhile.
      }
    }
  }
}
