/**
 * The controllers' ClusterClient over the store Durable Objects. Writes to
 * one namespace made in the same tick go to its store as one batch call (a
 * ReplicaSet creating 500 pods is one RPC, one transaction per pod), and each
 * successful write is applied to the informer at once (read-your-writes).
 */
import type { Env } from "../../env.js";
import { registry } from "../../registry/index.js";
import type { KObject } from "../../registry/types.js";
import { ApiError, errors, type Status } from "../../apimachinery/status.js";
import type { RequestInfo } from "../../apiserver/request-info.js";
import { forbiddenMessage } from "../../apiserver/authz.js";
import { clusterStore, namespaceStore, type ObjectStore } from "../../store/object-store.js";
import type { RequestUser, Result, WriteRequest } from "../../store/protocol.js";
import type { ClusterClient, DeleteOpts, Resource } from "../types.js";
import type { Informer } from "./informer.js";
import { coveredByWebhooks, writeWithWebhooks } from "../../admission/webhooks/dispatch.js";

type Pending = { req: WriteRequest; resolve: (r: Result) => void; reject: (e: unknown) => void };

export class StoreClient implements ClusterClient {
  private pending = new Map<string, Pending[]>();
  private scheduled = false;
  /** Calls into stores, for metrics. */
  rpcs = 0;
  writes = 0;

  /** Denials already logged (once each). */
  private denied = new Set<string>();

  constructor(
    private env: Env,
    private informer: Informer,
    private user: RequestUser,
    private fieldManager: string,
    /** Authorizes each write as this client's user (RBAC from the manager's informer); none: allow all. */
    private authorize?: (user: RequestUser, a: RequestInfo) => boolean,
  ) {}

  /** The write as the apiserver's RequestInfo would describe it, denied with Kubernetes' Forbidden when RBAC says no. */
  private forbidden(req: WriteRequest): Result | undefined {
    if (!this.authorize) return undefined;
    const kind = registry.byKey(req.resource);
    if (!kind) return undefined;
    const name = req.verb === "create" && !req.subresource ? "" : req.verb === "deletecollection" ? "" : (req.name ?? "");
    const a: RequestInfo = { isResourceRequest: true, verb: req.verb, group: kind.group, version: kind.version, namespace: req.namespace, resource: kind.plural, name, subresource: req.subresource ?? "", kind, allNamespaces: false };
    if (this.authorize(this.user, a)) return undefined;
    const e = errors.forbidden(forbiddenMessage(this.user, a), { group: kind.group, resource: kind.plural }, name);
    if (!this.denied.has(e.message) && this.denied.size < 1000) {
      this.denied.add(e.message);
      console.warn(`controller write denied: ${e.message}`);
    }
    return { code: 403, body: JSON.stringify(e.toStatus()) };
  }

  private stubFor(resource: Resource, namespace: string): { id: string; stub: DurableObjectStub<ObjectStore> } {
    const kind = registry.byKey(resource);
    if (!kind) throw new Error(`unknown resource ${resource}`);
    return kind.namespaced ? { id: `ns:${namespace}`, stub: namespaceStore(this.env, namespace) } : { id: "cluster", stub: clusterStore(this.env) };
  }

  private async send(req: WriteRequest): Promise<Result> {
    const denied = this.forbidden(req);
    if (denied) return denied;
    // A write an admission webhook covers (a sidecar injector on the pods a ReplicaSet creates) goes alone, through the webhooks.
    if (await coveredByWebhooks(this.env, req)) {
      try {
        return await writeWithWebhooks(this.env, this.stubFor(req.resource, req.namespace).stub, req);
      } catch (e) {
        if (e instanceof ApiError) return { code: e.code, body: JSON.stringify(e.toStatus()) };
        throw e;
      }
    }
    return new Promise((resolve, reject) => {
      const { id } = this.stubFor(req.resource, req.namespace);
      let list = this.pending.get(id);
      if (!list) this.pending.set(id, (list = []));
      list.push({ req, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = this.pending;
    this.pending = new Map();
    for (const [, items] of batches) {
      const first = items[0].req;
      const { stub } = this.stubFor(first.resource, first.namespace);
      this.rpcs++;
      this.writes += items.length;
      stub.writeBatch(items.map((i) => i.req)).then(
        (results) => results.forEach((r, i) => items[i].resolve(r)),
        (e) => items.forEach((i) => i.reject(e)),
      );
    }
  }

  private async run(req: WriteRequest, resource: Resource): Promise<KObject | undefined> {
    const r = await this.send(req);
    if (r.code >= 400) throw fromStatus(r);
    const body = JSON.parse(r.body) as KObject | Status;
    if ((body as Status).kind === "Status") return undefined;
    const obj = body as KObject;
    if (req.verb === "delete" && !obj.metadata?.deletionTimestamp) return obj;
    this.informer.apply(resource, "MODIFIED", obj);
    return obj;
  }

  private base(resource: Resource, namespace: string) {
    return { resource, namespace: registry.byKey(resource)?.namespaced ? namespace : "", user: this.user };
  }

  private opts() {
    return { fieldValidation: "Ignore" as const, fieldManager: this.fieldManager };
  }

  async create(resource: Resource, obj: KObject): Promise<KObject> {
    const ns = obj.metadata.namespace ?? "";
    return (await this.run({ ...this.base(resource, ns), verb: "create", body: JSON.stringify(obj), contentType: "application/json", options: this.opts() }, resource))!;
  }

  async update(resource: Resource, obj: KObject): Promise<KObject> {
    const ns = obj.metadata.namespace ?? "";
    return (await this.run({ ...this.base(resource, ns), verb: "update", name: obj.metadata.name ?? "", body: JSON.stringify(obj), contentType: "application/json", options: this.opts() }, resource))!;
  }

  async updateStatus(resource: Resource, obj: KObject): Promise<KObject> {
    const ns = obj.metadata.namespace ?? "";
    return (await this.run({ ...this.base(resource, ns), verb: "update", name: obj.metadata.name ?? "", subresource: "status", body: JSON.stringify(obj), contentType: "application/json", options: this.opts() }, resource))!;
  }

  async patch(resource: Resource, namespace: string, name: string, patch: unknown, subresource?: "status"): Promise<KObject> {
    return (await this.run({ ...this.base(resource, namespace), verb: "patch", name, subresource, body: JSON.stringify(patch), patchType: "merge", options: this.opts() }, resource))!;
  }

  async delete(resource: Resource, namespace: string, name: string, opts: DeleteOpts = {}): Promise<void> {
    const r = await this.send({ ...this.base(resource, namespace), verb: "delete", name, options: opts });
    if (r.code >= 400) throw fromStatus(r);
    const body = JSON.parse(r.body) as KObject | Status;
    if ((body as Status).kind === "Status") {
      const cur = this.informer.get(resource, namespace, name);
      if (cur) this.informer.apply(resource, "DELETED", { ...cur, metadata: { ...cur.metadata, resourceVersion: String(BigInt(cur.metadata.resourceVersion ?? "0") + 1n) } });
    } else {
      this.informer.apply(resource, "MODIFIED", body as KObject);
    }
  }

  async deleteCollection(resource: Resource, namespace: string): Promise<number> {
    const crd = registry.crdOf(resource);
    const r = await this.send({ ...this.base(resource, namespace), verb: "deletecollection", list: {}, options: {}, crdVersion: crd?.metadata.resourceVersion });
    if (r.code >= 400) throw fromStatus(r);
    const body = JSON.parse(r.body) as { kind?: string; items?: KObject[] };
    // A Status: the list was too long to send back, so some may be left; the caller looks again.
    if (!body.items) return 1;
    return body.items.filter((o) => o.metadata.deletionTimestamp && o.metadata.finalizers?.length).length;
  }

  async bind(namespace: string, pod: string, node: string): Promise<void> {
    const r = await this.send({
      ...this.base("pods", namespace),
      verb: "create",
      name: pod,
      subresource: "binding",
      body: JSON.stringify({ apiVersion: "v1", kind: "Binding", metadata: { name: pod, namespace }, target: { apiVersion: "v1", kind: "Node", name: node } }),
      contentType: "application/json",
      options: this.opts(),
    });
    if (r.code >= 400) throw fromStatus(r);
    const cur = this.informer.get("pods", namespace, pod);
    if (cur && !(cur.spec as { nodeName?: string }).nodeName) {
      // The binding's result is a Status; reflect the assignment until the store's notification arrives.
      // Cached objects are never changed in place, so the copy shares all but what differs.
      const next = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(BigInt(cur.metadata.resourceVersion ?? "0") + 1n) }, spec: { ...(cur.spec as object), nodeName: node } };
      this.informer.apply("pods", "MODIFIED", next);
    }
  }
}

export function fromStatus(r: Result): ApiError {
  try {
    const s = JSON.parse(r.body) as Status;
    return new ApiError(s.code ?? r.code, s.reason ?? "InternalError", s.message ?? "", s.details);
  } catch {
    return new ApiError(r.code, "InternalError", r.body);
  }
}
