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

/** Streams with pushes not yet enqueued, flushed together once the current task ends. */
const dirty = new Set<CoalescingStream>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const streams = [...dirty];
  dirty.clear();
  for (const s of streams) s.flush();
}

export class CoalescingStream {
  readonly readable: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private pending: Uint8Array[] = [];
  private bytes = 0;
  private ended = false;

  constructor(onCancel?: () => void) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        cancel: () => {
          this.ended = true;
          this.pending = [];
          this.bytes = 0;
          dirty.delete(this);
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
    dirty.add(this);
    if (!flushScheduled) {
      flushScheduled = true;
      setTimeout(flushAll, 0);
    }
  }

  /** End the stream once what is pending has been read. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
  }

  /** Enqueue what was pushed as one chunk (and close, once ended). */
  flush(): void {
    dirty.delete(this);
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
