/**
 * The watch fan-out of one store: every open watch is a stream with a filter.
 * A committed change is serialised once and the same bytes go to every
 * watcher it matches. Objects moving in or out of a label/field selection
 * become ADDED/DELETED for that watcher, as the apiserver's watch cache does.
 * Each watch is a CoalescingStream: the events of one task leave together,
 * so a burst fanned out to many watchers costs a chunk per watcher, not one
 * per event.
 */
import type { KindDef, KObject } from "../registry/types.js";
import { tableDocument, tableRow } from "../registry/table.js";
import type { TableOptions } from "./protocol.js";
import { CoalescingStream, FlushGroup } from "../apimachinery/coalescing-stream.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
export type Filter = (o: KObject) => boolean;

const encoder = new TextEncoder();
/** A slow reader past this many queued bytes is cut off (it will resume from its last version). */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;

export interface Watcher {
  resource: string;
  kind: KindDef;
  filter: Filter | null;
  table?: TableOptions;
  bookmarks: boolean;
  /** Table watches: whether column definitions were sent yet. */
  headersSent: boolean;
  out: CoalescingStream;
  timer?: ReturnType<typeof setTimeout>;
}

export class WatchHub {
  private watchers = new Set<Watcher>();
  /** One timer flushes every watcher's events of a task. */
  private flushes = new FlushGroup();

  get size(): number {
    return this.watchers.size;
  }

  /** Open a watch stream; `start` queues its initial or replayed events before any live one. */
  open(init: Omit<Watcher, "headersSent" | "out">, start: (w: Watcher) => void, timeoutSeconds?: number): ReadableStream<Uint8Array> {
    const w: Watcher = { ...init, headersSent: false, out: new CoalescingStream(() => this.drop(w), this.flushes) };
    this.watchers.add(w);
    start(w);
    if (timeoutSeconds && timeoutSeconds > 0 && !w.out.closed) w.timer = setTimeout(() => this.close(w), timeoutSeconds * 1000);
    return w.out.readable;
  }

  /** Serialise one event line for a watcher (Table form when it asked for tables). */
  line(w: Watcher, type: EventType, o: KObject, data: string, now: number): string {
    if (w.table && type !== "BOOKMARK" && type !== "ERROR") {
      const doc = tableDocument(w.kind, [tableRow(w.kind, o, data, now, w.table)], { resourceVersion: o.metadata.resourceVersion }, { noHeaders: w.headersSent || w.table.noHeaders });
      w.headersSent = true;
      return `{"type":"${type}","object":${doc}}\n`;
    }
    return `{"type":"${type}","object":${data}}\n`;
  }

  send(w: Watcher, text: string): void {
    this.sendBytes(w, encoder.encode(text));
  }

  private sendBytes(w: Watcher, bytes: Uint8Array): void {
    if (w.out.closed) return;
    // A reader this far behind is cut off; it resumes from the last version it saw.
    if (w.out.pendingBytes > MAX_QUEUED_BYTES) this.close(w);
    else w.out.push(bytes);
  }

  /** Fan a committed change out. prev is the object before the change (for selection moves). */
  publish(resource: string, type: "ADDED" | "MODIFIED" | "DELETED", o: KObject, data: string, prev: KObject | undefined, now: number): void {
    // Plain JSON events are encoded once per event type and the bytes shared by every watcher.
    const plain = new Map<EventType, Uint8Array>();
    for (const w of this.watchers) {
      if (w.resource !== resource) continue;
      let t: EventType = type;
      if (w.filter) {
        const matches = w.filter(o);
        const matched = prev ? w.filter(prev) : false;
        if (type === "MODIFIED") {
          if (matches && !matched) t = "ADDED";
          else if (!matches && matched) t = "DELETED";
          else if (!matches) continue;
        } else if (!matches) continue;
      }
      if (w.table) {
        this.send(w, this.line(w, t, o, data, now));
        continue;
      }
      let bytes = plain.get(t);
      if (!bytes) plain.set(t, (bytes = encoder.encode(this.line(w, t, o, data, now))));
      this.sendBytes(w, bytes);
    }
  }

  /** Send a BOOKMARK carrying rv to every watcher that asked for them. */
  bookmark(rv: number): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      const apiVersion = w.kind.group ? `${w.kind.group}/${w.kind.version}` : w.kind.version;
      this.send(w, `{"type":"BOOKMARK","object":{"kind":"${w.kind.kind}","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${rv}"}}}\n`);
    }
  }

  /** End a watch: what is pending still goes out, then the stream ends. */
  close(w: Watcher): void {
    this.drop(w);
    w.out.close();
  }

  closeAll(): void {
    for (const w of [...this.watchers]) this.close(w);
  }

  private drop(w: Watcher): void {
    if (w.timer) clearTimeout(w.timer);
    this.watchers.delete(w);
  }
}
