/**
 * The scheduler: kube-scheduler's default profile as pure functions over an
 * incremental cache. The runtime feeds the cache every node and pod watch
 * event (a bound pod's event confirms the placement scheduleBatch assumed),
 * keeps the queue of pending pods, calls scheduleBatch with them, and
 * retries the failed ones after podBackoffMs, or at once when
 * mayBecomeSchedulable says a cluster event may help.
 */
export { SchedulerCache, type WatchEventType } from "./cache.js";
export { Scheduler, type FitFailure, type ScheduleResult, type SchedulerOptions } from "./scheduler.js";
export { lookupFromLister, type ObjectLookup } from "./framework.js";
export { scheduleBatch, needsScheduling, podBackoffMs, DEFAULT_SCHEDULER_NAME, type BatchResult } from "./loop.js";
export { mayBecomeSchedulable, type ClusterEvent } from "./queueing-hints.js";
