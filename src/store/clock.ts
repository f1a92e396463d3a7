/**
 * resourceVersions as a hybrid logical clock: microseconds since the epoch,
 * bumped past the last value handed out. Every store Durable Object keeps its
 * own clock, yet versions from different namespaces are comparable, so a list
 * or watch across all namespaces can be resumed from one number: a watch from
 * R asks each namespace for its events after R. A clock value handed out for
 * a list or a bookmark is remembered, so no later write can reuse it.
 */
export class Clock {
  private last: number;

  constructor(lastPersisted = 0) {
    this.last = lastPersisted;
  }

  /** The version for the next write: strictly greater than anything seen. */
  next(): number {
    const now = Date.now() * 1000;
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }

  /** A version no future write will be at or below (for lists and bookmarks). */
  current(): number {
    const now = Date.now() * 1000;
    if (now > this.last) this.last = now;
    return this.last;
  }

  /** Move the clock forward past a version seen elsewhere (restore, replication). */
  observe(rv: number): void {
    if (rv > this.last) this.last = rv;
  }
}
