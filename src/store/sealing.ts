/**
 * Secrets (and any resource named in ENCRYPTED_RESOURCES) never reach a
 * store's SQLite file in plaintext: not in `objects`, not in the `events`
 * log that watches resume from. WebCrypto is asynchronous but a write runs
 * in a synchronous transaction, so a store keeps the plaintext of its sealed
 * objects in memory (decrypted once when it starts) and commits their rows
 * with a placeholder; right after the transaction, before the client hears
 * back, the rows get their ciphertext (flushed by the store). Reads inside
 * and outside transactions take the plaintext from memory; an old event
 * replayed to a watch is decrypted on the way out.
 *
 * A crash between the two steps leaves placeholders, which the store drops
 * on start-up (the client got no answer for that write, and the event log
 * is only a cache of history).
 */
import { isSealed, open, seal, type Keyring } from "../encryption/envelope.js";
import { errors } from "../apimachinery/status.js";

/** Stored instead of a sealed row's value until its ciphertext is written. */
export const PENDING = "enc:pending";

export interface SealJob {
  resource: string;
  name: string;
  rv: number;
  data: string;
  deleted: boolean;
}

const keyOf = (resource: string, name: string) => `${resource}\u0000${name}`;
export const contextOf = (resource: string, name: string) => `${resource}/${name}`;

export class Sealing {
  private plain = new Map<string, string>();
  /** Plaintext of sealed events still in the log (bounded by compaction), so replays stay synchronous. */
  private eventPlain = new Map<number, string>();
  private queue: SealJob[] = [];
  /** Plaintext entries changed in the running transaction: restored if it rolls back. */
  private undo: [string, string | undefined, number][] = [];

  constructor(
    readonly ring: Keyring | null,
    private readonly resources: Set<string>,
  ) {}

  /** Whether a resource's rows are sealed (never without a key: that is the identity provider). */
  covers(resource: string): boolean {
    return this.ring !== null && this.resources.has(resource);
  }

  get sealedResources(): string[] {
    return this.ring ? [...this.resources] : [];
  }

  /** Start-up: decrypt a sealed object row into memory. */
  async learn(resource: string, name: string, stored: string): Promise<void> {
    this.plain.set(keyOf(resource, name), await open(this.ring, stored, contextOf(resource, name)));
  }

  /** The plaintext of an object row read from SQLite. */
  reveal(resource: string, name: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const p = this.plain.get(keyOf(resource, name));
    if (p === undefined) throw errors.internal(`${resource} "${name}" cannot be decrypted (is its key in ENCRYPTION_KEYS?)`);
    return p;
  }

  /** Start-up: decrypt a sealed event row into memory. */
  async learnEvent(rv: number, resource: string, name: string, stored: string): Promise<void> {
    this.eventPlain.set(rv, await open(this.ring, stored, contextOf(resource, name)));
  }

  /** The plaintext of an event row (history replayed to a watch). */
  revealEvent(rv: number, resource: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const p = this.eventPlain.get(rv);
    if (p === undefined) throw errors.internal(`an event of ${resource} cannot be decrypted (is its key in ENCRYPTION_KEYS?)`);
    return p;
  }

  /** Compaction dropped the events before this version. */
  forgetEventsBefore(rv: number): void {
    for (const k of this.eventPlain.keys()) if (k < rv) this.eventPlain.delete(k);
  }

  /** A commit of a sealed row: remember the plaintext, queue the ciphertext; returns what SQLite gets now. */
  record(job: SealJob): string {
    const k = keyOf(job.resource, job.name);
    this.undo.push([k, this.plain.get(k), job.rv]);
    if (job.deleted) this.plain.delete(k);
    else this.plain.set(k, job.data);
    this.eventPlain.set(job.rv, job.data);
    this.queue.push(job);
    return PENDING;
  }

  /** A transaction is starting / has committed / has rolled back. */
  begin(): void {
    this.undo = [];
  }

  rollback(): void {
    for (const [k, prev, rv] of this.undo.reverse()) {
      if (prev === undefined) this.plain.delete(k);
      else this.plain.set(k, prev);
      this.eventPlain.delete(rv);
    }
    this.undo = [];
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Take the queued rows and encrypt them (the store writes them). */
  async sealQueued(): Promise<{ job: SealJob; sealed: string }[]> {
    const jobs = this.queue.splice(0);
    const out = await Promise.all(jobs.map(async (job) => ({ job, sealed: await seal(this.ring!, job.data, contextOf(job.resource, job.name)) })));
    return out;
  }

  /** Re-encrypt a stored value with the primary key (rotation), or seal a value stored before encryption was on. */
  async reseal(resource: string, name: string, stored: string, rv?: number): Promise<string> {
    const plain = isSealed(stored) ? await open(this.ring, stored, contextOf(resource, name)) : stored;
    if (rv === undefined) this.plain.set(keyOf(resource, name), plain);
    else this.eventPlain.set(rv, plain);
    return seal(this.ring!, plain, contextOf(resource, name));
  }
}
