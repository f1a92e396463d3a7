/**
 * An in-memory cluster implementing Lister and ClusterClient for unit tests
 * of controllers and the scheduler. It runs the real kind strategies
 * (defaults, validation, status handling, generation) from the registry, so
 * what a reconciler writes here is what the store would accept.
 */
import { registry } from "../registry/index.js";
import { rfc3339 } from "./common/time.js";
import { prepareCreate, prepareUpdate } from "../registry/strategy.js";
import type { KObject, StrategyContext } from "../registry/types.js";
import { errors } from "../apimachinery/status.js";
import { applyMergePatch } from "../apimachinery/patch/index.js";
import { controllerRefOf } from "./common/owner-refs.js";
import type { ClusterClient, DeleteOpts, EventRecorder, EventType, Lister, ReconcileContext, Resource } from "./types.js";

export interface RecordedEvent {
  object: string;
  type: EventType;
  reason: string;
  message: string;
}

export class FakeCluster implements Lister, ClusterClient, EventRecorder {
  private objects = new Map<Resource, Map<string, KObject>>();
  private rv = 1;
  clock = Date.parse("2026-01-01T00:00:00Z");
  readonly events: RecordedEvent[] = [];
  /** Every write, in order: "create pods default/web-abc" etc. */
  readonly writes: string[] = [];

  private bucket(resource: Resource): Map<string, KObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }

  private kind(resource: Resource) {
    const k = registry.byKey(resource);
    if (!k) throw new Error(`unknown resource ${resource}`);
    return k;
  }

  private ctx(): StrategyContext {
    return { now: this.clock, nowRfc3339: rfc3339(this.clock), user: { username: "test", groups: [] } };
  }

  context(): ReconcileContext {
    return { lister: this, client: this, recorder: this, now: () => this.clock };
  }

  // ---------------------------------------------------------------- Lister
  get(resource: Resource, namespace: string, name: string): KObject | undefined {
    const o = this.bucket(resource).get(`${namespace}/${name}`);
    return o ? structuredClone(o) : undefined;
  }

  list(resource: Resource, namespace?: string): KObject[] {
    return [...this.bucket(resource).values()].filter((o) => namespace === undefined || (o.metadata.namespace ?? "") === namespace).map((o) => structuredClone(o));
  }

  ownedBy(resource: Resource, ownerUid: string): KObject[] {
    return this.list(resource).filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid));
  }

  onNode(nodeName: string): KObject[] {
    return this.list("pods").filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName);
  }

  claimable(resource: Resource, namespace: string, ownerUid: string): KObject[] {
    return this.list(resource, namespace).filter((o) => !controllerRefOf(o) || (o.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid));
  }

  // ---------------------------------------------------------------- ClusterClient
  async create(resource: Resource, obj: KObject): Promise<KObject> {
    const kind = this.kind(resource);
    const ns = kind.namespaced ? obj.metadata.namespace ?? "default" : "";
    const { obj: o } = prepareCreate(kind, structuredClone(obj) as Record<string, unknown>, { fieldValidation: "Strict", ctx: this.ctx(), namespace: ns });
    const key = `${ns}/${o.metadata.name}`;
    if (this.bucket(resource).has(key)) throw errors.alreadyExists({ group: kind.group, resource: kind.plural }, o.metadata.name ?? "");
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(resource).set(key, o);
    this.writes.push(`create ${resource} ${key}`);
    return structuredClone(o);
  }

  private replace(resource: Resource, obj: KObject, subresource?: string): KObject {
    const kind = this.kind(resource);
    const ns = obj.metadata.namespace ?? "";
    const key = `${ns}/${obj.metadata.name}`;
    const cur = this.bucket(resource).get(key);
    if (!cur) throw errors.notFound({ group: kind.group, resource: kind.plural }, obj.metadata.name ?? "");
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw errors.conflict({ group: kind.group, resource: kind.plural }, obj.metadata.name ?? "", "the object has been modified; please apply your changes to the latest version and try again");
    }
    const { obj: o } = prepareUpdate(kind, structuredClone(obj) as Record<string, unknown>, structuredClone(cur), { fieldValidation: "Strict", ctx: this.ctx(), namespace: ns, subresource });
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(resource).set(key, o);
    this.writes.push(`${subresource === "status" ? "status" : "update"} ${resource} ${key}`);
    return structuredClone(o);
  }

  async update(resource: Resource, obj: KObject): Promise<KObject> {
    return this.replace(resource, obj);
  }

  async updateStatus(resource: Resource, obj: KObject): Promise<KObject> {
    return this.replace(resource, obj, "status");
  }

  async patch(resource: Resource, namespace: string, name: string, patch: unknown, subresource?: "status"): Promise<KObject> {
    const cur = this.get(resource, namespace, name);
    if (!cur) throw errors.notFound({ group: this.kind(resource).group, resource: this.kind(resource).plural }, name);
    const merged = applyMergePatch(cur, patch) as KObject;
    delete merged.metadata.resourceVersion;
    return this.replace(resource, merged, subresource);
  }

  async delete(resource: Resource, namespace: string, name: string, _opts?: DeleteOpts): Promise<void> {
    const key = `${namespace}/${name}`;
    const cur = this.bucket(resource).get(key);
    if (!cur) throw errors.notFound({ group: this.kind(resource).group, resource: this.kind(resource).plural }, name);
    this.bucket(resource).delete(key);
    this.writes.push(`delete ${resource} ${key}`);
    // Background cascade, as the store does.
    for (const [res, b] of this.objects) {
      for (const o of [...b.values()]) {
        if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === cur.metadata.uid)) await this.delete(res, o.metadata.namespace ?? "", o.metadata.name ?? "");
      }
    }
  }

  async deleteCollection(resource: Resource, namespace: string): Promise<number> {
    let left = 0;
    for (const o of this.list(resource, namespace)) {
      if (o.metadata.finalizers?.length) {
        o.metadata.deletionTimestamp ??= rfc3339(this.clock);
        left++;
      } else await this.delete(resource, namespace, o.metadata.name ?? "");
    }
    return left;
  }

  async bind(namespace: string, pod: string, node: string): Promise<void> {
    const p = this.bucket("pods").get(`${namespace}/${pod}`);
    if (!p) throw errors.notFound({ group: "", resource: "pods" }, pod);
    const spec = p.spec as { nodeName?: string };
    if (spec.nodeName) throw errors.conflict({ group: "", resource: "pods" }, pod, `pod ${pod} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    const st = (p.status ??= {}) as { conditions?: { type: string; status: string }[] };
    st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== "PodScheduled"), { type: "PodScheduled", status: "True" }];
    p.metadata.resourceVersion = String(++this.rv);
    this.writes.push(`bind pods ${namespace}/${pod} ${node}`);
  }

  // ---------------------------------------------------------------- EventRecorder
  event(obj: KObject, type: EventType, reason: string, message: string): void {
    this.events.push({ object: `${obj.kind}/${obj.metadata.name}`, type, reason, message });
  }

  /** Test helper: put an object in place as-is (e.g. a Node with status), bypassing strategies. */
  seed(resource: Resource, obj: KObject): KObject {
    const kind = this.kind(resource);
    const o = structuredClone(obj);
    o.metadata.uid ??= crypto.randomUUID();
    o.metadata.creationTimestamp ??= rfc3339(this.clock);
    o.metadata.resourceVersion = String(++this.rv);
    o.apiVersion ??= kind.group ? `${kind.group}/${kind.version}` : kind.version;
    o.kind ??= kind.kind;
    this.bucket(resource).set(`${kind.namespaced ? o.metadata.namespace ?? "default" : ""}/${o.metadata.name}`, o);
    if (kind.namespaced) o.metadata.namespace ??= "default";
    return structuredClone(o);
  }
}

