/**
 * The watch fan-out of one store: every open watch is a stream with a filter.
 * A committed change is serialised once and the same bytes go to every
 * watcher it matches. Objects moving in or out of a label/field selection
 * become ADDED/DELETED for that watcher, as the apiserver's watch cache does.
 */
import type { KindDef, KObject } from "../registry/types.js";
import { tableDocument, tableRow } from "../registry/table.js";
import type { TableOptions } from "./protocol.js";

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
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Table watches: whether column definitions were sent yet. */
  headersSent: boolean;
  closed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

export class WatchHub {
  private watchers = new Set<Watcher>();

  get size(): number {
    return this.watchers.size;
  }

  /** Open a watch stream; `start` enqueues its initial or replayed events before any live one. */
  open(w: Omit<Watcher, "controller" | "headersSent" | "closed">, start: (w: Watcher) => void, timeoutSeconds?: number): ReadableStream<Uint8Array> {
    let watcher!: Watcher;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          watcher = { ...w, controller, headersSent: false, closed: false };
          this.watchers.add(watcher);
          start(watcher);
          if (timeoutSeconds && timeoutSeconds > 0) watcher.timer = setTimeout(() => this.close(watcher), timeoutSeconds * 1000);
        },
        cancel: () => this.drop(watcher),
      },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
    return stream;
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
    if (w.closed) return;
    if ((w.controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
      this.close(w);
      return;
    }
    try {
      w.controller.enqueue(bytes);
    } catch {
      this.drop(w);
    }
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

  close(w: Watcher): void {
    if (w.closed) return;
    w.closed = true;
    this.watchers.delete(w);
    if (w.timer) clearTimeout(w.timer);
    try {
      w.controller.close();
    } catch {
      /* already errored or cancelled */
    }
  }

  closeAll(): void {
    for (const w of [...this.watchers]) this.close(w);
  }

  private drop(w: Watcher): void {
    w.closed = true;
    if (w.timer) clearTimeout(w.timer);
    this.watchers.delete(w);
  }
}
