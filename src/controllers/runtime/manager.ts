/**
 * The controller manager: one Durable Object that hosts every control loop
 * (and the scheduler), like kube-controller-manager and kube-scheduler in one
 * process. Stores push their changes here right after commit (the kick), so
 * loops react within milliseconds; the cron trigger calls resync() as the
 * level-triggered backstop (full re-list, every key requeued). Reconcilers
 * see an informer cache and write through StoreClient.
 */
import { DurableObject } from "cloudflare:workers";
import { actorStub, assertHostedHere, keepingStubs } from "../../actors.js";
import type { Env } from "../../env.js";
import type { KObject } from "../../registry/types.js";
import { registry } from "../../registry/index.js";
import { ApiError } from "../../apimachinery/status.js";
import { clusterStore, namespaceStore } from "../../store/object-store.js";
import type { ListResult, RequestUser, Result } from "../../store/protocol.js";
import { Informer, type ChangeType } from "./informer.js";
import { WorkQueue } from "./queue.js";
import { StoreClient } from "./client.js";
import { ListerAuthorizer } from "../../authz/lister-authorizer.js";
import type { RequestInfo } from "../../apiserver/request-info.js";
import { Recorder } from "./recorder.js";
import { listObjects } from "../../store/rpc-lists.js";
import { controllers, loops, watchedResources } from "../index.js";
import type { Controller, ObjectKey, ReconcileContext, Resource } from "../types.js";

export interface Change {
  resource: Resource;
  type: ChangeType;
  data: string;
}

/** A loop that is not a keyed Controller (the scheduler): told of every change, run on demand. */
export interface Loop {
  name: string;
  /** The component its Events name as their source (e.g. "default-scheduler"); default the controller manager. */
  component?: string;
  resources: Resource[];
  onChange(resource: Resource, type: ChangeType, obj: KObject, old: KObject | undefined): void;
  /** Do pending work; resolves when this round is done. */
  run(ctx: ReconcileContext): Promise<void>;
  /** The manager hands a loop a way to ask for another run (after a back-off). */
  attach?(wake: () => void): void;
  stats?(): Record<string, number>;
}

const MAX_IN_FLIGHT = 64;
const CONTROLLER_USER = { username: "system:kube-controller-manager", groups: ["system:authenticated"] };
const SCHEDULER_USER = { username: "system:kube-scheduler", groups: ["system:authenticated"] };

interface ControllerState {
  c: Controller;
  queue: WorkQueue;
  reconciles: number;
  errors: number;
  durationMs: number;
}

export class ControllerManager extends DurableObject<Env> {
  private informer: Informer;
  private client: StoreClient;
  private schedulerClient: StoreClient;
  private authz: ListerAuthorizer;
  private states: ControllerState[];
  private loopList: Loop[];
  private inFlight = 0;
  private pumpScheduled = false;
  private loopsScheduled = false;
  private loopRunning = false;
  private loopAgain = false;
  private synced = false;
  private lastResync = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    assertHostedHere(env, "ControllerManager");
    super(ctx, keepingStubs(env));
    env = this.env;
    this.informer = new Informer((r, t, o, old) => this.route(r, t, o, old));
    this.authz = new ListerAuthorizer(this.informer);
    const allows = (u: RequestUser, a: RequestInfo) => this.authz.allows(u, a);
    this.client = new StoreClient(env, this.informer, CONTROLLER_USER, "kube-controller-manager", allows);
    this.schedulerClient = new StoreClient(env, this.informer, SCHEDULER_USER, "default-scheduler", allows);
    this.states = controllers(env, this.informer).map((c) => ({ c, queue: new WorkQueue({ onReady: () => this.schedulePump() }), reconciles: 0, errors: 0, durationMs: 0 }));
    this.loopList = loops(env, this.informer);
    for (const l of this.loopList) l.attach?.(() => this.scheduleLoops());
    ctx.blockConcurrencyWhile(() => this.fullSync());
  }

  private contexts = new Map<string, ReconcileContext>();
  /**
   * The context a control loop runs with: the shared informer, and an event
   * recorder of its own component, as kubectl describe shows it
   * ("replicaset-controller", "default-scheduler").
   */
  private contextFor(component: string): ReconcileContext {
    let c = this.contexts.get(component);
    if (!c) {
      // The scheduler acts as system:kube-scheduler, everything else as the controller manager.
      const client = component === "default-scheduler" ? this.schedulerClient : this.client;
      this.contexts.set(component, (c = { lister: this.informer, client, recorder: new Recorder(client, component), now: () => Date.now() }));
    }
    return c;
  }

  // ------------------------------------------------------------ informer feed

  /** Stores call this right after they commit changes the loops watch. */
  async notify(changes: Change[]): Promise<void> {
    for (const ch of changes) this.informer.apply(ch.resource, ch.type, JSON.parse(ch.data) as KObject);
  }

  /** The cron backstop: re-list everything, requeue every key, report health. */
  async resync(): Promise<{ objects: number; queued: number }> {
    await this.fullSync();
    let queued = 0;
    for (const s of this.states) {
      for (const o of this.informer.list(s.c.primary)) {
        s.queue.add(keyString(o));
        queued++;
      }
    }
    this.scheduleLoops();
    await this.heartbeat();
    return { objects: watchedResources().reduce((n, r) => n + this.informer.count(r), 0), queued };
  }

  private async heartbeat(): Promise<void> {
    const cs = clusterStore(this.env);
    await cs.heartbeat("controller-manager");
    for (const l of this.loopList) await cs.heartbeat(l.name);
  }

  private async fullSync(): Promise<void> {
    const resources = watchedResources();
    const clusterScoped = resources.filter((r) => !registry.byKey(r)?.namespaced);
    const namespaced = resources.filter((r) => registry.byKey(r)?.namespaced);
    const cluster = clusterStore(this.env);
    const lists = await cluster.listMany(clusterScoped, "");
    for (const r of clusterScoped) await this.replaceFrom(r, undefined, lists[r]);
    const { names } = await cluster.namespaceNames();
    for (let i = 0; i < names.length; i += 16) {
      const batch = names.slice(i, i + 16);
      const results = await Promise.all(batch.map((ns) => namespaceStore(this.env, ns).listMany(namespaced, ns)));
      for (const [j, ns] of batch.entries()) for (const r of namespaced) await this.replaceFrom(r, ns, results[j][r]);
    }
    this.informer.pruneTombstones();
    this.lastResync = Date.now();
    if (!this.synced) {
      this.synced = true;
      this.ctx.waitUntil(this.heartbeat().catch(() => {}));
      for (const s of this.states) for (const o of this.informer.list(s.c.primary)) s.queue.add(keyString(o));
      this.scheduleLoops();
    }
  }

  private async replaceFrom(resource: Resource, ns: string | undefined, r: ListResult | Result | undefined): Promise<void> {
    if (!r || "code" in r) return;
    this.informer.replace(resource, ns, await listObjects<KObject>(r));
  }

  // ------------------------------------------------------------ routing

  private route(resource: Resource, type: ChangeType, obj: KObject, old: KObject | undefined): void {
    this.authz.changed(resource);
    for (const s of this.states) {
      if (s.c.primary === resource) s.queue.add(keyString(obj));
      for (const w of s.c.watches ?? []) {
        if (w.resource !== resource) continue;
        for (const k of w.map(obj, this.informer)) s.queue.add(keyOfKey(k));
        if (old) for (const k of w.map(old, this.informer)) s.queue.add(keyOfKey(k));
      }
    }
    for (const l of this.loopList) {
      if (!l.resources.includes(resource)) continue;
      l.onChange(resource, type, obj, old);
      this.scheduleLoops();
    }
  }

  // ------------------------------------------------------------ workers

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setTimeout(() => {
      this.pumpScheduled = false;
      this.pump();
    }, 0);
  }

  private pump(): void {
    if (!this.synced) return;
    for (const s of this.states) {
      if (this.inFlight >= MAX_IN_FLIGHT) return;
      for (const key of s.queue.take(MAX_IN_FLIGHT - this.inFlight)) {
        this.inFlight++;
        void this.reconcile(s, key).finally(() => {
          this.inFlight--;
          s.queue.done(key);
          this.schedulePump();
        });
      }
    }
  }

  private async reconcile(s: ControllerState, key: string): Promise<void> {
    const started = Date.now();
    s.reconciles++;
    try {
      const r = await s.c.reconcile(parseKey(key), this.contextFor(s.c.component ?? `${s.c.name}-controller`));
      s.queue.forget(key);
      if (r && r.requeueAfterMs !== undefined) s.queue.addAfter(key, r.requeueAfterMs);
    } catch (e) {
      s.errors++;
      if (!(e instanceof ApiError) || e.code >= 500) console.error(`${s.c.name} ${key}:`, e);
      s.queue.addRateLimited(key);
    } finally {
      s.durationMs += Date.now() - started;
    }
  }

  private scheduleLoops(): void {
    if (this.loopsScheduled || !this.synced) return;
    this.loopsScheduled = true;
    setTimeout(() => {
      this.loopsScheduled = false;
      void this.runLoops();
    }, 0);
  }

  private async runLoops(): Promise<void> {
    if (this.loopRunning) {
      this.loopAgain = true;
      return;
    }
    this.loopRunning = true;
    try {
      do {
        this.loopAgain = false;
        for (const l of this.loopList) {
          try {
            await l.run(this.contextFor(l.component ?? "controller-manager"));
          } catch (e) {
            console.error(`${l.name}:`, e);
          }
        }
      } while (this.loopAgain);
    } finally {
      this.loopRunning = false;
    }
  }

  /** Queue depths, reconcile counts and durations, for health and /metrics. */
  async stats() {
    return {
      synced: this.synced,
      lastResync: this.lastResync,
      rpcs: this.client.rpcs,
      writes: this.client.writes,
      controllers: this.states.map((s) => ({ name: s.c.name, depth: s.queue.depth, reconciles: s.reconciles, errors: s.errors, durationMs: s.durationMs })),
      loops: this.loopList.map((l) => ({ name: l.name, ...(l.stats?.() ?? {}) })),
      objects: Object.fromEntries(watchedResources().map((r) => [r, this.informer.count(r)])),
    };
  }
}

const keyString = (o: KObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ""));
const keyOfKey = (k: ObjectKey) => (k.namespace ? `${k.namespace}/${k.name}` : k.name);
function parseKey(key: string): ObjectKey {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function controllerManager(env: Env): DurableObjectStub<ControllerManager> {
  return actorStub(env, env.MANAGER, "ControllerManager", "controller-manager");
}
