/**
 * The store: one Durable Object per namespace, plus one ("") for
 * cluster-scoped kinds. It is etcd and the apiserver's generic registry in
 * one place: it holds the objects in SQLite (drizzle), runs every write
 * (create/update/patch/delete) atomically against the current state, keeps
 * the event log that watches resume from, and fans events out to watchers.
 * A write touches exactly this one object: no global choke point.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle, type DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import migrations from "../../migrations/migrations.js";
import * as schema from "./schema.js";
import { Clock } from "./clock.js";
import { WatchHub, type Watcher } from "./watch-hub.js";
import { ObjectCache } from "./object-cache.js";
import { byteBatches } from "./byte-batches.js";
import { compileFilter } from "./filters.js";
import { fitForRpc, itemChars, listObjects, rpcBudget, RPC_ITEM_CHARS } from "./rpc-lists.js";
import { PolicyCache } from "./policy-cache.js";
import { SharedCopy, type SharedListSource } from "./shared-copy.js";
import type { DeleteOptions, ListRequest, ListResult, RequestUser, Result, WatchRequest, WriteOptions, WriteRequest } from "./protocol.js";
import { addCustomResourceDefinition, registry } from "../registry/index.js";
import { CRD_RESOURCE, orphanedKind } from "../registry/crd/kind.js";
import type { ActionOutcome, KindDef, KObject, StrategyContext } from "../registry/types.js";
import { apiVersionOf } from "../registry/types.js";
import { prepareCreate, prepareUpdate, checkTypeMeta } from "../registry/strategy.js";
import { validateChanges, validateSchema } from "../registry/validate.js";
import { partialMetadataJson, tableRow } from "../registry/table.js";
import { decodeObject, decodeBody } from "../apimachinery/codec.js";
import { ApiError, errors, success } from "../apimachinery/status.js";
import { clone, deepEqual } from "../apimachinery/objects.js";
import { generateName } from "../apimachinery/validation.js";
import { applyPatch, trackManagedFields } from "./patching.js";
import { applyJsonPatch } from "../apimachinery/patch/json-patch.js";
import { scaleOf, applyScale } from "./scale.js";
import { actorStub, assertHostedHere, keepingStubs } from "../actors.js";
import type { Env } from "../env.js";
import { watchedResources } from "../controllers/index.js";
import { controllerManager, type Change } from "../controllers/runtime/manager.js";
import { defaultClusterRoleBindings, defaultClusterRoles, reconcileDefault } from "../authz/bootstrap-policy.js";
import { CLUSTER_ROLE_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, ROLES, policyFrom, type Policy } from "../authz/policy.js";
import { encryptedResources, keyring } from "../encryption/envelope.js";
import { PENDING, Sealing } from "./sealing.js";
import { mutate as admitMutate, validate as admitValidate, deletePlugins } from "../admission/chain.js";
import { POLICIES, POLICY_BINDINGS } from "../admission/validating-policy.js";
import { MUTATING as MUTATING_WEBHOOKS, VALIDATING as VALIDATING_WEBHOOKS } from "../admission/webhooks/resources.js";
import type { AdmissionContext, AdmissionPlugin, Attributes, Operation } from "../admission/types.js";
import { GroupCommit } from "./group-commit.js";

/** Resources whose changes are pushed to the controller manager (computed once). */
let pushed: Set<string> | undefined;
const isPushed = (resource: string) => (pushed ??= new Set(watchedResources())).has(resource);

/** Events older than this are compacted away (a watch from before gets 410 Gone)... */
const DEFAULT_RETENTION_SECONDS = 15 * 60;
/** ... but the latest this many are always kept. */
const DEFAULT_KEEP_MIN = 2000;
/** Events (the kind) live this long after their last update. */
const DEFAULT_EVENT_TTL_SECONDS = 3600;
/** Resources admission reads on every create, cached in memory until they change. */
const ADMISSION_CACHED = new Set(["limitranges", "resourcequotas"]);
/** Compaction runs after this many writes. */
const COMPACT_EVERY = 500;
const BOOKMARK_INTERVAL_MS = 30_000;
/** SQLite's LIMIT for "no limit" (the prepared page statements always carry one). */
const NO_LIMIT = -1;

const isActionOutcome = (o: KObject | "delete" | ActionOutcome): o is ActionOutcome => typeof o === "object" && Array.isArray((o as ActionOutcome).update) && "result" in o;

type Stored = { obj: KObject; data: string; rv: number };

export type Lifecycle = "Active" | "Terminating" | "Absent";

const PRIORITY_CLASSES = "priorityclasses.scheduling.k8s.io";
const RUNTIME_CLASSES = "runtimeclasses.node.k8s.io";
/** Cluster-scoped resources other isolates keep copies of (sharedList). */
const SHARED_LISTS = new Set([CRD_RESOURCE, PRIORITY_CLASSES, RUNTIME_CLASSES, POLICIES, POLICY_BINDINGS, VALIDATING_WEBHOOKS, MUTATING_WEBHOOKS, CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS]);
const POD_CLASSES_TTL_MS = 2000;
/**
 * The cluster-scoped classes a pod names (Priority and RuntimeClass
 * admission read them), and the field of a pod body, JSON or YAML, that
 * names one (only to decide whether to look again before admission).
 */
const POD_CLASSES: [resource: string, named: RegExp][] = [
  [PRIORITY_CLASSES, /priorityClassName"?\s*:\s*"?([a-z0-9.-]+)/],
  [RUNTIME_CLASSES, /runtimeClassName"?\s*:\s*"?([a-z0-9.-]+)/],
];
export class ObjectStore extends DurableObject<Env> {
  private db: DrizzleSqliteDODatabase<typeof schema>;
  private clock = new Clock();
  private hub = new WatchHub();
  /** Parsed rows for lists that filter or print tables. */
  private parsed = new ObjectCache();
  private compactedRv = 0;
  /** Per shared cluster-scoped resource, a version that changes with every write of it (sharedList()). */
  private sharedVersions = new Map<string, string>();
  /** The PriorityClasses and RuntimeClasses as this namespace's store last read them (their admission plugins' listers). */
  private podClasses = new Map(POD_CLASSES.map(([resource]) => [resource, new SharedCopy(resource, POD_CLASSES_TTL_MS)]));
  /** ValidatingAdmissionPolicies, their bindings and params, for admission. */
  private policies: PolicyCache = new PolicyCache(
    () => this.namespace ?? "",
    (): SharedListSource => (this.namespace === "" ? this : clusterStore(this.env)),
    async (resource, ns) => {
      const r = await (ns ? namespaceStore(this.env, ns) : clusterStore(this.env)).list({ resource, namespace: ns });
      return "code" in r ? [] : listObjects<KObject>(r);
    },
  );
  private writesSinceCompaction = 0;
  private bookmarkTimer?: ReturnType<typeof setInterval>;
  /** This store's namespace ("" for cluster scope), learnt from the first request. */
  private namespace?: string;
  private lifecycle: Lifecycle = "Absent";
  /** The hot-path statements, prepared once: no SQL is built per write. */
  private q!: ReturnType<typeof prepareStatements>;
  /** Changes waiting to be pushed to the controller manager (sent in one call per tick). */
  private outbox: Change[] = [];
  /** The Namespace's labels as last seen (PodSecurity reads them); undefined until known. */
  private nsLabels?: Record<string, string>;
  /** LimitRanges and ResourceQuotas of this namespace, parsed, until one changes. */
  private admissionCache = new Map<string, KObject[]>();
  /** Encryption at rest of Secrets' rows (sealing.ts). */
  private sealing!: Sealing;
  private flushing?: Promise<void>;
  /** Audit annotations admission makes during the write in progress (a write's transaction is synchronous). */
  private annotations: Record<string, string> = {};
  /** API writes that arrive together commit together. */
  private commits = new GroupCommit();

  constructor(ctx: DurableObjectState, env: Env) {
    assertHostedHere(env, "ObjectStore");
    super(ctx, keepingStubs(env));
    env = this.env;
    this.db = drizzle(ctx.storage, { schema, logger: false });
    ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db, migrations);
      this.q = prepareStatements(this.db);
      // Fails closed: a malformed ENCRYPTION_KEYS stops the store rather than writing Secrets in plaintext.
      this.sealing = new Sealing(await keyring(env.ENCRYPTION_KEYS), encryptedResources(env.ENCRYPTED_RESOURCES));
      await this.openSealed();
      const maxObj = this.db.select({ rv: sql<number>`max(${schema.objects.rv})` }).from(schema.objects).get()?.rv ?? 0;
      const maxEv = this.db.select({ rv: sql<number>`max(${schema.events.rv})` }).from(schema.events).get()?.rv ?? 0;
      this.clock = new Clock(Math.max(maxObj ?? 0, maxEv ?? 0, Number(this.getMeta("clock") ?? 0)));
      this.compactedRv = Number(this.getMeta("compactedRv") ?? 0);
      this.namespace = this.getMeta("namespace") ?? undefined;
      this.lifecycle = (this.getMeta("lifecycle") as Lifecycle | null) ?? "Absent";
      const labels = this.getMeta("nsLabels");
      this.nsLabels = labels ? (JSON.parse(labels) as Record<string, string>) : undefined;
    });
  }

  // ---------------------------------------------------------------- encryption at rest

  /** Start-up: decrypt sealed rows into memory; drop placeholders a crash left (their writes never answered). */
  private async openSealed(): Promise<void> {
    this.db.delete(schema.objects).where(eq(schema.objects.data, PENDING)).run();
    this.db.delete(schema.events).where(eq(schema.events.data, PENDING)).run();
    const objs = this.db.select({ resource: schema.objects.resource, name: schema.objects.name, data: schema.objects.data }).from(schema.objects).where(sql`${schema.objects.data} like 'enc:%'`).all();
    const evs = this.db.select({ rv: schema.events.rv, resource: schema.events.resource, name: schema.events.name, data: schema.events.data }).from(schema.events).where(sql`${schema.events.data} like 'enc:%'`).all();
    const fail = (e: unknown) => console.error("encryption at rest:", (e as Error).message);
    await Promise.all([...objs.map((r) => this.sealing.learn(r.resource, r.name, r.data).catch(fail)), ...evs.map((r) => this.sealing.learnEvent(r.rv, r.resource, r.name, r.data).catch(fail))]);
  }

  /** Give rows committed with a placeholder their ciphertext (runs right after the transaction). */
  private async flushSealed(): Promise<void> {
    try {
      while (this.sealing.queued) {
        const done = await this.sealing.sealQueued();
        this.ctx.storage.transactionSync(() => {
          for (const { job, sealed } of done) {
            if (!job.deleted) {
              this.db.update(schema.objects).set({ data: sealed }).where(and(eq(schema.objects.resource, job.resource), eq(schema.objects.name, job.name), eq(schema.objects.rv, job.rv))).run();
            }
            this.db.update(schema.events).set({ data: sealed }).where(eq(schema.events.rv, job.rv)).run();
          }
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * Key rotation: re-encrypt every sealed row (objects and event log) not
   * sealed with the first key of ENCRYPTION_KEYS, and seal rows stored
   * before encryption was turned on. Returns how many rows changed. The
   * admin endpoint and the cron resync call it; reads of old-key rows keep
   * working meanwhile, since every listed key decrypts.
   */
  async reencrypt(): Promise<number> {
    const ring = this.sealing.ring;
    if (!ring) return 0;
    const current = `enc:aesgcm:${ring.primary.id}:%`;
    let changed = 0;
    for (const resource of this.sealing.sealedResources) {
      const o = schema.objects;
      const objs = this.db.select({ name: o.name, rv: o.rv, data: o.data }).from(o).where(and(eq(o.resource, resource), sql`${o.data} not like ${current}`, sql`${o.data} != ${PENDING}`)).all();
      for (const r of objs) {
        const sealed = await this.sealing.reseal(resource, r.name, this.sealing.reveal(resource, r.name, r.data));
        this.db.update(o).set({ data: sealed }).where(and(eq(o.resource, resource), eq(o.name, r.name), eq(o.rv, r.rv))).run();
        changed++;
      }
      const ev = schema.events;
      const evs = this.db.select({ rv: ev.rv, name: ev.name, data: ev.data }).from(ev).where(and(eq(ev.resource, resource), sql`${ev.data} not like ${current}`, sql`${ev.data} != ${PENDING}`)).all();
      for (const r of evs) {
        const sealed = await this.sealing.reseal(resource, r.name, r.data, r.rv);
        this.db.update(ev).set({ data: sealed }).where(and(eq(ev.rv, r.rv), eq(ev.data, r.data))).run();
        changed++;
      }
    }
    return changed;
  }

  // ---------------------------------------------------------------- meta

  private getMeta(key: string): string | null {
    return this.q.getMeta.get({ key })?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.q.setMeta.run({ key, value });
  }

  private bindNamespace(ns: string): void {
    if (this.namespace === undefined) {
      this.namespace = ns;
      this.setMeta("namespace", ns);
      if (ns === "") this.setLifecycle("Active");
    }
  }

  private setLifecycle(l: Lifecycle): void {
    this.lifecycle = l;
    this.setMeta("lifecycle", l);
  }

  // ---------------------------------------------------------------- reads

  private load(resource: string, name: string): Stored | undefined {
    const row = this.q.load.get({ resource, name });
    if (!row) return undefined;
    const data = this.sealing.reveal(resource, name, row.data);
    return { obj: JSON.parse(data) as KObject, data, rv: row.rv };
  }

  /** Every object of a resource in this store (an action's related objects: a namespace's PodDisruptionBudgets). */
  private loadAll(resource: string): KObject[] {
    return this.q.page.all({ resource, limit: NO_LIMIT }).map((row) => JSON.parse(this.sealing.reveal(resource, row.name, row.data)) as KObject);
  }

  private kindOf(resource: string): KindDef {
    const kind = registry.byKey(resource);
    if (!kind) throw errors.notFoundPath(resource);
    return kind;
  }

  /**
   * The kind at the apiVersion a write was sent to: a custom resource's served
   * version (each has its own schema), or a view of a built-in kind (a patch
   * applies to the object as the view shows it); else the resource's kind.
   */
  private kindAt(resource: string, apiVersion?: string): KindDef {
    const kind = this.kindOf(resource);
    if (!apiVersion || apiVersion === apiVersionOf(kind)) return kind;
    return registry.servedAs(resource, apiVersion) ?? kind;
  }

  /** The kind of something stored here: a custom resource whose CRD is gone still gets one, to be deleted with. */
  private storedKind(resource: string): KindDef {
    return registry.byKey(resource) ?? orphanedKind(resource);
  }

  /**
   * Make sure this isolate knows a custom resource's kind, at the CRD
   * version the request names (crdVersion, sent by the apiserver) or any:
   * the CRD is read from the cluster store, or from this one when it is it.
   */
  private async learnKind(resource: string, crdVersion?: string): Promise<void> {
    if (!resource.includes(".") || (registry.byKey(resource) && !registry.crdOf(resource))) return;
    const known = registry.crdOf(resource);
    if (known && (crdVersion === undefined || known.metadata.resourceVersion === crdVersion)) return;
    let data: string | undefined;
    if (this.namespace === "") data = this.load(CRD_RESOURCE, resource)?.data;
    else {
      const r = await clusterStore(this.env).get(CRD_RESOURCE, "", resource);
      if (r.code === 200) data = r.body;
    }
    if (data) addCustomResourceDefinition(JSON.parse(data) as KObject);
  }

  /** The version no later write here will reach: for lists and cross-namespace resume. */
  async currentVersion(): Promise<number> {
    return this.clock.current();
  }

  async get(resource: string, namespace: string, name: string, subresource?: string, crdVersion?: string): Promise<Result> {
    try {
      this.bindNamespace(namespace);
      await this.learnKind(resource, crdVersion);
      const kind = this.kindOf(resource);
      const s = this.load(resource, name);
      if (!s) throw errors.notFound({ group: kind.group, resource: kind.plural }, name);
      if (subresource === "scale" && kind.subresources?.scale) return { code: 200, body: JSON.stringify(scaleOf(kind, s.obj)) };
      return { code: 200, body: s.data };
    } catch (e) {
      return failure(e);
    }
  }

  async list(req: ListRequest): Promise<ListResult | Result> {
    this.bindNamespace(req.namespace);
    try {
      await this.learnKind(req.resource, req.crdVersion);
    } catch (e) {
      return failure(e);
    }
    const r = this.listNow(req);
    return "code" in r ? r : fitForRpc(r, rpcBudget());
  }

  private listNow(req: ListRequest): ListResult | Result {
    try {
      this.bindNamespace(req.namespace);
      const kind = this.kindOf(req.resource);
      const filter = compileFilter(kind, req.labelSelector, req.fieldSelector);
      const rv = this.clock.current();
      const now = Date.now();
      const items: string[] = [];
      const limit = req.limit && req.limit > 0 ? req.limit : Infinity;
      let last: string | undefined;
      let remaining = 0;
      if (!filter && !req.table) {
        // Plain pages are the stored JSON as it is: paged in SQL, nothing parsed.
        const max = limit === Infinity ? NO_LIMIT : limit + 1;
        const rows = req.after ? this.q.pageAfter.all({ resource: req.resource, after: req.after, limit: max }) : this.q.page.all({ resource: req.resource, limit: max });
        for (const row of rows) {
          if (items.length >= limit) {
            remaining = 1;
            break;
          }
          items.push(this.sealing.reveal(req.resource, row.name, row.data));
          last = row.name;
        }
      } else {
        // Filters and tables need the objects: read names and versions, and the JSON only of rows the cache lacks.
        const max = filter || limit === Infinity ? NO_LIMIT : limit + 1;
        const rows = req.after ? this.q.versionsAfter.all({ resource: req.resource, after: req.after, limit: max }) : this.q.versions.all({ resource: req.resource, limit: max });
        const missing = this.loadMissing(req.resource, filter ? rows : rows.slice(0, limit));
        for (const row of rows) {
          if (items.length >= limit && !filter) {
            remaining = 1;
            break;
          }
          const c = this.parsed.get(req.resource, row.name, row.rv, () => this.sealing.reveal(req.resource, row.name, missing.get(row.name) ?? this.load(req.resource, row.name)?.data ?? ""));
          if (filter && !filter(c.obj)) continue;
          if (items.length >= limit) {
            remaining++;
            continue;
          }
          items.push(req.table ? tableRow(kind, c.obj, c.data, now, req.table, (c.metaJson ??= partialMetadataJson(c.obj))) : c.data);
          last = row.name;
        }
      }
      return { items, rv, last: remaining > 0 ? last : undefined, remaining: remaining > 0 ? remaining : undefined };
    } catch (e) {
      return failure(e);
    }
  }

  /** Stored JSON of the rows the parsed-object cache lacks, in one query. */
  private loadMissing(resource: string, rows: { name: string; rv: number }[]): Map<string, string> {
    const names = rows.filter((r) => !this.parsed.has(resource, r.name, r.rv)).map((r) => r.name);
    const out = new Map<string, string>();
    if (!names.length) return out;
    const found = this.db
      .select({ name: schema.objects.name, data: schema.objects.data })
      .from(schema.objects)
      .where(and(eq(schema.objects.resource, resource), sql`${schema.objects.name} IN (SELECT value FROM json_each(${JSON.stringify(names)}))`))
      .all();
    for (const r of found) out.set(r.name, r.data);
    return out;
  }

  // ---------------------------------------------------------------- watch

  async watch(req: WatchRequest): Promise<ReadableStream<Uint8Array>> {
    this.bindNamespace(req.namespace);
    await this.learnKind(req.resource, req.crdVersion);
    const kind = registry.byKey(req.resource);
    let filter: ReturnType<typeof compileFilter> = null;
    let error: ApiError | undefined;
    try {
      if (!kind) throw errors.notFoundPath(req.resource);
      filter = compileFilter(kind, req.labelSelector, req.fieldSelector);
      if (req.sinceRv !== undefined && req.sinceRv < this.compactedRv) {
        throw errors.gone(`too old resource version: ${req.sinceRv} (${this.compactedRv})`);
      }
    } catch (e) {
      error = e instanceof ApiError ? e : errors.internal(String(e));
    }
    this.ensureBookmarks();
    return this.hub.open(
      { resource: req.resource, kind: kind ?? registry.all[0], filter, table: req.table, bookmarks: !!req.bookmarks },
      (w) => {
        if (error) {
          this.hub.send(w, `{"type":"ERROR","object":${JSON.stringify(error.toStatus())}}\n`);
          this.hub.close(w);
          return;
        }
        this.replay(w, req);
      },
      req.timeoutSeconds,
    );
  }

  /** Initial state or history for a new watcher, enqueued before any live event. */
  private replay(w: Watcher, req: WatchRequest): void {
    const now = Date.now();
    if (req.sinceRv === undefined) {
      if (req.sendInitialEvents === false) return;
      const rows = this.q.page.all({ resource: req.resource, limit: NO_LIMIT });
      for (const row of rows) {
        const data = this.sealing.reveal(req.resource, row.name, row.data);
        const o = JSON.parse(data) as KObject;
        if (w.filter && !w.filter(o)) continue;
        this.hub.send(w, this.hub.line(w, "ADDED", o, data, now));
      }
      if (req.bookmarks && req.sendInitialEvents) {
        // The "initial events end" bookmark of WatchList.
        const apiVersion = apiVersionOf(w.kind);
        this.hub.send(w, `{"type":"BOOKMARK","object":{"kind":"${w.kind.kind}","apiVersion":"${apiVersion}","metadata":{"resourceVersion":"${this.clock.current()}","annotations":{"k8s.io/initial-events-end":"true"}}}}\n`);
      }
      return;
    }
    const rows = this.q.eventsSince.all({ resource: req.resource, rv: req.sinceRv });
    for (const row of rows) {
      const data = this.sealing.revealEvent(row.rv, req.resource, row.data);
      const o = JSON.parse(data) as KObject;
      if (w.filter && !w.filter(o)) continue;
      this.hub.send(w, this.hub.line(w, row.type as "ADDED", o, data, now));
    }
  }

  private ensureBookmarks(): void {
    if (this.bookmarkTimer) return;
    this.bookmarkTimer = setInterval(() => {
      if (this.hub.size === 0) {
        clearInterval(this.bookmarkTimer);
        this.bookmarkTimer = undefined;
        return;
      }
      this.hub.bookmark(this.clock.current());
    }, BOOKMARK_INTERVAL_MS);
  }

  // ---------------------------------------------------------------- writes

  /** The controllers' writes of one tick to this store, in order, each its own transaction: one call, so already one commit. */
  async writeBatch(reqs: WriteRequest[]): Promise<Result[]> {
    const out: Result[] = [];
    for (const r of reqs) out.push(await this.writeOne(r, false));
    return out;
  }

  /** Lists of several resources at once (the controller manager's re-list). */
  async listMany(resources: string[], namespace: string): Promise<Record<string, ListResult | Result>> {
    const out: Record<string, ListResult | Result> = {};
    // One budget for the whole call: together the lists must fit one RPC result too.
    const budget = rpcBudget();
    for (const r of resources) {
      const l = this.listNow({ resource: r, namespace });
      out[r] = "code" in l ? l : fitForRpc(l, budget);
    }
    return out;
  }

  /** An API request's write: concurrent ones share a commit (group-commit.ts). */
  async write(req: WriteRequest): Promise<Result> {
    return this.writeOne(req, true);
  }

  private async writeOne(req: WriteRequest, grouped: boolean): Promise<Result> {
    // What admission notes for this write's audit entry (this.annotations while its transaction runs).
    let noted: Record<string, string> = {};
    try {
      this.bindNamespace(req.namespace);
      await this.learnKind(req.resource, req.crdVersion);
      const kind = this.kindAt(req.resource, req.version);
      if (kind.virtual || (kind.verbs && !kind.verbs.includes(req.verb))) {
        throw errors.methodNotAllowed(`${req.verb} is not supported on resources of kind "${kind.plural}"`);
      }
      const ctx = context(req.user);
      if (req.verb === "create" || req.verb === "update" || req.verb === "patch") await this.learnNamespace(kind);
      if (req.resource === "pods" && req.verb === "create" && !req.subresource) await this.learnPodClasses(req.body);
      if (req.verb !== "deletecollection") await this.policies.refresh();
      const transaction = () => {
        this.sealing.begin();
        this.annotations = noted = {};
        try {
          return this.ctx.storage.transactionSync(() => {
            switch (req.verb) {
              case "create":
                return req.subresource ? this.action(kind, req.name ?? "", req.subresource, req.body, req.contentType, ctx, req.options) : this.create(kind, req.body, req.contentType, ctx, req.options);
              case "update":
                return this.update(kind, req.name, req.body, req.contentType, ctx, req.options, req.subresource);
              case "patch":
                return this.patch(kind, req.name, req.body, req.patchType, ctx, req.options, req.subresource);
              case "delete":
                return this.remove(kind, req.name, req.options, ctx);
              case "deletecollection":
                return this.removeCollection(kind, req.list.labelSelector, req.list.fieldSelector, req.options, ctx);
            }
          });
        } catch (e) {
          // A rolled-back transaction may have filled the cache from rows that never were.
          this.admissionCache.clear();
          this.sealing.rollback();
          throw e;
        }
      };
      const r = grouped ? await this.commits.run(transaction) : transaction();
      if (kind.kind === "Namespace" && r.code < 300 && (req.verb === "create" || req.verb === "update" || req.verb === "patch") && !req.options.dryRun) {
        await this.tellNamespace(r.body);
      }
      if (Object.keys(noted).length) r.auditAnnotations = noted;
      if (this.flushing) await this.flushing;
      return r;
    } catch (e) {
      // A refusal keeps what admission noted for the audit log (a policy's Audit and Deny together).
      const f = failure(e);
      if (Object.keys(noted).length) f.auditAnnotations = noted;
      return f;
    } finally {
      this.maybeCompact();
    }
  }

  /**
   * What admission needs to know of the namespace, asked of the cluster store
   * when this store was never told (self-healing after a lost activation);
   * NamespaceLifecycle (src/admission/) then decides on it.
   */
  private async learnNamespace(kind: KindDef): Promise<void> {
    if (!kind.namespaced || this.namespace === "") return;
    if (this.lifecycle !== "Absent" && this.nsLabels !== undefined) return;
    const r = await clusterStore(this.env).get("namespaces", "", this.namespace ?? "");
    if (r.code !== 200) return;
    const ns = JSON.parse(r.body) as KObject;
    if (this.lifecycle === "Absent") this.setLifecycle(ns.metadata.deletionTimestamp ? "Terminating" : "Active");
    this.setNsLabels(ns.metadata.labels ?? {});
  }

  /**
   * The PriorityClasses and RuntimeClasses for their admission plugins, read
   * from the cluster store at most every POD_CLASSES_TTL_MS (like the
   * apiserver's informers, eventually consistent), and at once when a pod
   * names a class this store has not seen.
   */
  private async learnPodClasses(body: string): Promise<void> {
    await Promise.all(
      POD_CLASSES.map(([resource, field]) => {
        const copy = this.podClasses.get(resource)!;
        const named = field.exec(body)?.[1];
        const unknown = named !== undefined && !copy.items.some((c) => c.metadata.name === named);
        return copy.refresh(() => clusterStore(this.env), unknown);
      }),
    );
  }

  private setNsLabels(labels: Record<string, string>): void {
    this.nsLabels = labels;
    this.setMeta("nsLabels", JSON.stringify(labels));
  }

  /** In the cluster store: a Namespace was written; its store learns the labels before the client hears back. */
  private async tellNamespace(body: string): Promise<void> {
    const ns = JSON.parse(body) as KObject;
    const name = ns.metadata.name ?? "";
    if (name) await namespaceStore(this.env, name).observeNamespace(name, ns.metadata.labels ?? {});
  }

  /** Called by the cluster store whenever the Namespace object is written. */
  async observeNamespace(namespace: string, labels: Record<string, string>): Promise<void> {
    this.bindNamespace(namespace);
    this.setNsLabels(labels);
  }

  // ---------------------------------------------------------------- admission

  /** The store's side of admission: reads over this namespace's tables, in the current transaction. */
  private admissionContext(warnings: string[]): AdmissionContext {
    let ownRbac: Policy | undefined;
    return {
      namespaceLabels: () => this.nsLabels ?? {},
      namespacePhase: () => this.lifecycle,
      priorityClasses: () => this.podClasses.get(PRIORITY_CLASSES)!.items,
      runtimeClasses: () => this.podClasses.get(RUNTIME_CLASSES)!.items,
      admissionPolicies: () => this.policies,
      policyParams: (binding, policy, namespace) => this.policies.params(binding, policy, namespace, (r) => this.objectsOf(r)),
      list: (r) => this.objectsOf(r),
      get: (r, name) => this.load(r, name)?.obj,
      count: (r) => this.q.count.get({ resource: r })?.n ?? 0,
      // The namespace's own RBAC, read once per write however many checks ask.
      authorize: (user, q) => this.policies.authorize(user, q, () => (ownRbac ??= policyFrom(this.objectsOf(ROLES), this.objectsOf(ROLE_BINDINGS)))),
      warn: (m) => warnings.push(m),
      annotate: (k, v) => void (this.annotations[k] = v),
      writeStatus: (r, obj) => {
        const cur = this.load(r, obj.metadata.name ?? "");
        if (cur) this.commit(this.kindOf(r), "MODIFIED", obj, cur.obj);
      },
    };
  }

  private objectsOf(resource: string): KObject[] {
    const cached = this.admissionCache.get(resource);
    if (cached) return cached;
    const rows = this.q.page.all({ resource, limit: NO_LIMIT });
    const objs = rows.map((r) => JSON.parse(this.sealing.reveal(resource, r.name, r.data)) as KObject);
    if (ADMISSION_CACHED.has(resource)) this.admissionCache.set(resource, objs);
    return objs;
  }

  /** Hooks running the admission chain for one write: mutate (inside prepare) and validate (after it). */
  private admission(kind: KindDef, operation: Operation, user: RequestUser, options: { dryRun?: boolean; admissionPatch?: WriteOptions["admissionPatch"] }, subresource?: string, old?: KObject, chain?: AdmissionPlugin[]) {
    const dryRun = options.dryRun;
    const warnings: string[] = [];
    const actx = this.admissionContext(warnings);
    const attrs = (obj: KObject): Attributes => ({
      operation,
      kind,
      resource: resourceKeyOf(kind),
      subresource,
      namespace: this.namespace ?? "",
      name: obj.metadata.name ?? "",
      object: obj,
      oldObject: old,
      user,
      dryRun: !!dryRun,
    });
    const mutate = (obj: KObject) => {
      admitMutate(attrs(obj), actx, chain);
      // Then the mutating webhooks' patch (src/admission/webhooks/), as the last mutating plugin.
      if (options.admissionPatch?.length) {
        const patched = applyJsonPatch(obj, options.admissionPatch) as KObject;
        for (const k of Object.keys(obj)) if (!(k in patched)) delete (obj as Record<string, unknown>)[k];
        Object.assign(obj, patched);
      }
    };
    return { warnings, mutate, validate: (obj: KObject) => admitValidate(attrs(obj), actx, chain) };
  }

  private create(kind: KindDef, body: string, contentType: string | undefined, ctx: StrategyContext, options: WriteOptions): Result {
    const input = decodeObject(body, contentType);
    const adm = this.admission(kind, "CREATE", ctx.user, options);
    const { obj, warnings } = prepareCreate(kind, input, { fieldValidation: options.fieldValidation, ctx, namespace: this.namespace ?? "", admit: adm.mutate });
    const name = obj.metadata.name ?? "";
    if (this.load(resourceKeyOf(kind), name)) {
      if (!obj.metadata.generateName || !name.startsWith(obj.metadata.generateName)) throw errors.alreadyExists({ group: kind.group, resource: kind.plural }, name);
      obj.metadata.name = this.freeName(kind, obj.metadata.generateName);
    }
    adm.validate(obj);
    warnings.push(...adm.warnings);
    trackManagedFields(kind, undefined, obj, options, ctx);
    if (options.dryRun) return { code: 201, body: JSON.stringify(obj), warnings, name: obj.metadata.name };
    const data = this.commit(kind, "ADDED", obj, undefined);
    return { code: 201, body: data, warnings, name: obj.metadata.name };
  }

  private freeName(kind: KindDef, prefix: string): string {
    for (let i = 0; i < 8; i++) {
      const name = generateName(prefix);
      if (!this.load(resourceKeyOf(kind), name)) return name;
    }
    throw errors.alreadyExists({ group: kind.group, resource: kind.plural }, prefix);
  }

  private mustLoad(kind: KindDef, name: string): Stored {
    const s = this.load(resourceKeyOf(kind), name);
    if (!s) throw errors.notFound({ group: kind.group, resource: kind.plural }, name);
    return s;
  }

  private update(kind: KindDef, name: string, body: string, contentType: string | undefined, ctx: StrategyContext, options: WriteOptions, subresource?: string): Result {
    const input = decodeObject(body, contentType);
    const cur = this.mustLoad(kind, name);
    if (subresource === "scale") return this.writeScale(kind, cur, input, ctx, options);
    if (subresource && subresource !== "status" && !kind.subresources?.fields?.[subresource]) throw errors.methodNotAllowed(`update is not supported on ${kind.plural}/${subresource}`);
    const meta = (input.metadata ?? {}) as { resourceVersion?: string; uid?: string; name?: string };
    // As the apiserver's checkName: a PUT carries the object's own name (a body without one would replace it with nothing).
    if (meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name ?? ""}) does not match the name on the URL (${name})`);
    }
    if (meta.resourceVersion && meta.resourceVersion !== String(cur.rv)) throw this.conflict(kind, name);
    if (meta.uid && meta.uid !== cur.obj.metadata.uid) {
      throw errors.conflict({ group: kind.group, resource: kind.plural }, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${cur.obj.metadata.uid}`);
    }
    return this.replace(kind, cur, input, ctx, options, subresource, false);
  }

  private conflict(kind: KindDef, name: string): ApiError {
    return errors.conflict({ group: kind.group, resource: kind.plural }, name, "the object has been modified; please apply your changes to the latest version and try again");
  }

  /** Validate and store a new state of an existing object. */
  private replace(kind: KindDef, cur: Stored, input: Record<string, unknown>, ctx: StrategyContext, options: WriteOptions, subresource: string | undefined, validated: boolean, extraWarnings: string[] = []): Result {
    if (options.expectResourceVersion && options.expectResourceVersion !== String(cur.rv)) throw this.conflict(kind, cur.obj.metadata.name ?? "");
    const adm = this.admission(kind, "UPDATE", ctx.user, options, subresource, cur.obj);
    // prepareUpdate and the strategies only read the old object: it needs no copy.
    const { obj, warnings } = prepareUpdate(kind, input, cur.obj, {
      fieldValidation: options.fieldValidation,
      ctx,
      namespace: this.namespace ?? "",
      subresource,
      validated,
      admit: adm.mutate,
    });
    warnings.push(...extraWarnings);
    if (!validated || options.fieldManager !== undefined) trackManagedFields(kind, cur.obj, obj, options, ctx, subresource);
    obj.metadata.resourceVersion = String(cur.rv);
    if (deepEqual(obj, cur.obj)) return { code: 200, body: cur.data, warnings };
    adm.validate(obj);
    warnings.push(...adm.warnings);
    if (options.dryRun) return { code: 200, body: JSON.stringify(obj), warnings };
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length && !this.pendingByKind(kind, obj)) {
      this.destroy(kind, obj, cur.obj);
      return { code: 200, body: JSON.stringify(obj), warnings };
    }
    const data = this.commit(kind, "MODIFIED", obj, cur.obj);
    return { code: 200, body: data, warnings };
  }

  private patch(kind: KindDef, name: string, body: string, patchType: WriteRequest & { verb: "patch" } extends { patchType: infer P } ? P : never, ctx: StrategyContext, options: WriteOptions, subresource?: string): Result {
    // Sent to a converted version (the apiserver converts whole bodies itself): patch the object as that version shows it.
    const view = kind.convert && kind;
    if (view) kind = view.convert!.storage;
    const cur = this.load(resourceKeyOf(kind), name);
    if (subresource && subresource !== "status" && subresource !== "scale" && !kind.subresources?.fields?.[subresource]) throw errors.methodNotAllowed(`patch is not supported on ${kind.plural}/${subresource}`);
    if (patchType === "apply") {
      const applied = decodeObject(body, "application/yaml");
      checkTypeMeta(kind, applied, this.namespace ?? "");
      if ((applied.metadata as { name?: string }).name !== name) {
        throw errors.badRequest(`the name of the object (${String((applied.metadata as { name?: string }).name)}) does not match the name on the URL (${name})`);
      }
      const warnings = validateSchema(kind, applied, options.fieldValidation, kind.schema, true);
      if (!options.fieldManager) throw errors.badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
      if (!cur) {
        const merged = applyPatch(kind, undefined, "apply", applied, options, ctx, subresource) as Record<string, unknown>;
        const adm = this.admission(kind, "CREATE", ctx.user, options);
        const { obj, warnings: w2 } = prepareCreate(kind, merged, { fieldValidation: "Ignore", ctx, namespace: this.namespace ?? "", admit: adm.mutate });
        adm.validate(obj);
        w2.push(...adm.warnings);
        if (options.dryRun) return { code: 201, body: JSON.stringify(obj), warnings: [...warnings, ...w2], name: obj.metadata.name };
        return { code: 201, body: this.commit(kind, "ADDED", obj, undefined), warnings: [...warnings, ...w2], name: obj.metadata.name };
      }
      const merged = applyPatch(kind, cur.obj, "apply", applied, options, ctx, subresource) as Record<string, unknown>;
      // The configuration alone may leave out required fields other managers own; the result may not.
      validateSchema(kind, merged, "Ignore");
      return this.replace(kind, cur, merged, ctx, { ...options, fieldManager: undefined }, subresource === "scale" ? undefined : subresource, true, warnings);
    }
    if (!cur) throw errors.notFound({ group: kind.group, resource: kind.plural }, name);
    const patchDoc = decodeBody(body, "application/json");
    if (subresource === "scale") {
      const scale = scaleOf(kind, cur.obj);
      const patched = applyPatch(null, scale as unknown as KObject, patchType, patchDoc, options, ctx) as Record<string, unknown>;
      return this.writeScale(kind, cur, patched, ctx, options);
    }
    let patched: Record<string, unknown>;
    let warnings: string[];
    if (view?.convert) {
      // Unknown fields are judged in the version the patch was written for (converting would drop them).
      const before = view.convert.down(cur.obj);
      const shown = applyPatch(view, before, patchType, patchDoc, options, ctx, subresource) as KObject;
      warnings = validateChanges(view, shown, before, options.fieldValidation);
      patched = view.convert.up(shown);
    } else {
      patched = applyPatch(kind, cur.obj, patchType, patchDoc, options, ctx, subresource) as Record<string, unknown>;
      warnings = validateChanges(kind, patched, cur.obj, options.fieldValidation);
    }
    const meta = (patched.metadata ?? {}) as { resourceVersion?: string };
    if (meta.resourceVersion && meta.resourceVersion !== String(cur.rv)) throw this.conflict(kind, name);
    return this.replace(kind, cur, patched, ctx, options, subresource, true, warnings);
  }

  private writeScale(kind: KindDef, cur: Stored, scale: Record<string, unknown>, ctx: StrategyContext, options: WriteOptions): Result {
    const meta = (scale.metadata ?? {}) as { resourceVersion?: string };
    if (meta.resourceVersion && meta.resourceVersion !== String(cur.rv)) throw this.conflict(kind, cur.obj.metadata.name ?? "");
    const next = applyScale(kind, clone(cur.obj), scale);
    // "scale" reaches admission and managedFields as the subresource it is (a policy on deployments does not see kubectl scale, one on deployments/scale does).
    const r = this.replace(kind, cur, next, ctx, { ...options, fieldManager: options.fieldManager }, "scale", true);
    if (r.code >= 300) return r;
    return { code: 200, body: JSON.stringify(scaleOf(kind, JSON.parse(r.body) as KObject)), warnings: r.warnings };
  }

  /** POST to a subresource that acts on its parent (pods/binding, pods/eviction). */
  private action(kind: KindDef, name: string, sub: string, body: string, contentType: string | undefined, ctx: StrategyContext, options: WriteOptions): Result {
    const def = kind.subresources?.actions?.[sub];
    if (!def) throw errors.methodNotAllowed(`create is not supported on ${kind.plural}/${sub}`);
    const input = decodeObject(body, contentType);
    const cur = this.mustLoad(kind, name);
    const meta = (input.metadata ?? {}) as { name?: string };
    if (meta.name && meta.name !== name) throw errors.badRequest(`the name of the ${def.kind} (${meta.name}) does not match the name on the URL (${name})`);
    const related = def.related ? this.loadAll(def.related) : [];
    const outcome = def.apply(clone(cur.obj), input as KObject, ctx, related.map((r) => clone(r)));
    const out = isActionOutcome(outcome) ? outcome.result : outcome;
    if (isActionOutcome(outcome)) {
      // Related writes first, in this same synchronous turn: the action and they commit together.
      const relKind = this.kindOf(def.related ?? "");
      for (const next of outcome.update) {
        const prev = related.find((r) => r.metadata.name === next.metadata.name);
        if (prev) this.commit(relKind, "MODIFIED", next, prev);
      }
    }
    if (out === "delete") {
      const before = isActionOutcome(outcome) ? outcome.statusBeforeDelete : undefined;
      if (before && !options.dryRun) {
        const marked = this.replace(kind, cur, before as unknown as Record<string, unknown>, ctx, { ...options, fieldManager: undefined }, "status", true);
        if (marked.code >= 300) return marked;
      }
      const r = this.remove(kind, name, (input as { deleteOptions?: DeleteOptions }).deleteOptions ?? {}, ctx);
      if (r.code >= 300) return r;
      return { code: 201, body: JSON.stringify(success()) };
    }
    const r = this.replace(kind, cur, out as unknown as Record<string, unknown>, ctx, { ...options, fieldManager: undefined }, sub, true);
    if (r.code >= 300) return r;
    return { code: 201, body: JSON.stringify(success()) };
  }

  // ---------------------------------------------------------------- deletion

  /** Whether a kind keeps an object with deletionTimestamp (pods waiting for their node, namespaces with spec.finalizers). */
  private pendingByKind(kind: KindDef, obj: KObject): boolean {
    return kind.strategy?.pendingDeletion?.(obj) ?? false;
  }

  private remove(kind: KindDef, name: string, options: DeleteOptions, ctx: StrategyContext): Result {
    const cur = this.mustLoad(kind, name);
    const pre = options.preconditions;
    const ref = { group: kind.group, resource: kind.plural };
    if (pre?.uid && pre.uid !== cur.obj.metadata.uid) {
      throw errors.conflict(ref, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.obj.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv)) {
      throw errors.conflict(ref, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${cur.rv}`);
    }
    this.admission(kind, "DELETE", ctx.user, options, undefined, cur.obj, deletePlugins).validate(cur.obj);
    const obj = clone(cur.obj);
    const policy = options.propagationPolicy ?? (options.orphanDependents ? "Orphan" : undefined);
    const finalizers = new Set(obj.metadata.finalizers ?? []);
    if (policy === "Orphan") {
      finalizers.add("orphan");
      finalizers.delete("foregroundDeletion");
    } else if (policy === "Foreground") {
      finalizers.add("foregroundDeletion");
      finalizers.delete("orphan");
    } else if (policy === "Background" && obj.metadata.deletionTimestamp) {
      finalizers.delete("orphan");
      finalizers.delete("foregroundDeletion");
    }
    const grace = kind.strategy?.gracePeriod ? kind.strategy.gracePeriod(obj, options.gracePeriodSeconds) : 0;
    const alreadyDeleting = !!obj.metadata.deletionTimestamp;
    kind.strategy?.prepareForDelete?.(obj);
    const keep = finalizers.size > 0 || grace > 0 || this.pendingByKind(kind, obj);
    if (!keep) {
      if (options.dryRun) return { code: 200, body: JSON.stringify(success({ name, group: kind.group, kind: kind.plural, uid: obj.metadata.uid })) };
      this.destroy(kind, obj, cur.obj);
      return { code: 200, body: JSON.stringify(success({ name, group: kind.group, kind: kind.plural, uid: obj.metadata.uid })) };
    }
    if (finalizers.size) obj.metadata.finalizers = [...finalizers];
    if (!alreadyDeleting) {
      obj.metadata.deletionTimestamp = new Date(ctx.now + grace * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      obj.metadata.deletionGracePeriodSeconds = grace;
      if (obj.metadata.generation !== undefined) obj.metadata.generation += 1;
    } else if (grace < (obj.metadata.deletionGracePeriodSeconds ?? 0)) {
      // A shorter grace period brings the deadline forward (kubectl delete --grace-period=0 --force).
      obj.metadata.deletionGracePeriodSeconds = grace;
      obj.metadata.deletionTimestamp = new Date(ctx.now + grace * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      if (grace === 0 && finalizers.size === 0 && !this.pendingByKind(kind, obj)) {
        if (options.dryRun) return { code: 200, body: JSON.stringify(obj) };
        this.destroy(kind, obj, cur.obj);
        return { code: 200, body: JSON.stringify(obj) };
      }
    }
    if (options.dryRun) return { code: 200, body: JSON.stringify(obj) };
    if (deepEqual(obj, cur.obj)) return { code: 200, body: cur.data };
    const data = this.commit(kind, "MODIFIED", obj, cur.obj);
    // Only the garbage collector's finalizers write the object again (or remove it): else it is as committed, no re-read.
    const gc = finalizers.has("orphan") || finalizers.has("foregroundDeletion");
    this.collect(kind, obj);
    const after = gc ? this.load(resourceKeyOf(kind), name) : undefined;
    if (kind.kind === "Namespace") this.ctx.waitUntil(this.onNamespaceDeleting(obj));
    return { code: 200, body: after ? after.data : data };
  }

  private removeCollection(kind: KindDef, labelSelector: string | undefined, fieldSelector: string | undefined, options: DeleteOptions, ctx: StrategyContext): Result {
    const filter = compileFilter(kind, labelSelector, fieldSelector);
    const rows = this.q.page.all({ resource: resourceKeyOf(kind), limit: NO_LIMIT });
    const items: string[] = [];
    for (const row of rows) {
      const data = this.sealing.reveal(resourceKeyOf(kind), row.name, row.data);
      const o = JSON.parse(data) as KObject;
      if (filter && !filter(o)) continue;
      const r = this.remove(kind, row.name, options, ctx);
      if (r.code < 300) items.push(r.body.startsWith('{"kind":"Status"') ? data : r.body);
    }
    if (itemChars(items) > RPC_ITEM_CHARS) {
      // Too big to send back in one call: deletecollection's documented answer (the OpenAPI's) is a Status.
      return { code: 200, body: JSON.stringify(success({ kind: kind.plural, group: kind.group })) };
    }
    const list = `{"kind":"${kind.kind}List","apiVersion":"${apiVersionOf(kind)}","metadata":{"resourceVersion":"${this.clock.current()}"},"items":[${items.join(",")}]}`;
    return { code: 200, body: list };
  }

  /** Remove an object for good, then cascade to its dependents (background propagation). */
  private destroy(kind: KindDef, obj: KObject, prev: KObject): void {
    this.commit(kind, "DELETED", obj, prev);
    const uid = obj.metadata.uid;
    if (uid) {
      for (const dep of this.dependents(uid)) {
        const dk = this.storedKind(dep.resource);
        const d = this.load(dep.resource, dep.name);
        if (!dk || !d) continue;
        const refs = d.obj.metadata.ownerReferences ?? [];
        const others = refs.filter((r) => r.uid !== uid);
        // Dependents that still have another owner keep living, without this one.
        if (others.length && d.obj.metadata.deletionTimestamp === undefined) {
          const next = clone(d.obj);
          next.metadata.ownerReferences = others;
          this.commit(dk, "MODIFIED", next, d.obj);
          continue;
        }
        try {
          this.remove(dk, dep.name, { propagationPolicy: "Background" }, context({ username: "system:serviceaccount:kube-system:generic-garbage-collector", groups: ["system:serviceaccounts"] }));
        } catch {
          /* already gone */
        }
      }
    }
    // Owners waiting in foreground deletion for this dependent may now finish.
    for (const ref of obj.metadata.ownerReferences ?? []) this.recheckOwner(ref.uid);
    if (this.lifecycle === "Terminating") this.ctx.waitUntil(this.maybeFinishNamespace());
  }

  private dependents(uid: string): { resource: string; name: string }[] {
    return this.q.dependents.all({ uid });
  }

  /**
   * The garbage collector's finalizers, done in the store because owner and
   * dependents share a namespace: "orphan" strips the ownerReference from
   * every dependent; "foregroundDeletion" deletes them and waits until they
   * are gone.
   */
  private collect(kind: KindDef, obj: KObject): void {
    const fin = obj.metadata.finalizers ?? [];
    const uid = obj.metadata.uid;
    if (!uid || !obj.metadata.deletionTimestamp) return;
    const ctx = context({ username: "system:serviceaccount:kube-system:generic-garbage-collector", groups: [] });
    let next = fin;
    if (fin.includes("orphan")) {
      for (const dep of this.dependents(uid)) {
        const dk = this.storedKind(dep.resource);
        const d = this.load(dep.resource, dep.name);
        if (!dk || !d) continue;
        const o = clone(d.obj);
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
        this.commit(dk, "MODIFIED", o, d.obj);
      }
      next = next.filter((f) => f !== "orphan");
    }
    if (fin.includes("foregroundDeletion")) {
      for (const dep of this.dependents(uid)) {
        const dk = this.storedKind(dep.resource);
        const d = this.load(dep.resource, dep.name);
        if (!dk || !d || d.obj.metadata.deletionTimestamp) continue;
        this.remove(dk, dep.name, { propagationPolicy: "Foreground" }, ctx);
      }
      const blocking = this.dependents(uid).filter((dep) => {
        const d = this.load(dep.resource, dep.name);
        return d && (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion);
      });
      if (!blocking.length) next = next.filter((f) => f !== "foregroundDeletion");
    }
    if (next.length === fin.length) return;
    const cur = this.load(resourceKeyOf(kind), obj.metadata.name ?? "");
    if (!cur) return;
    const o = clone(cur.obj);
    o.metadata.finalizers = next;
    if (!next.length) delete o.metadata.finalizers;
    if (!next.length && !this.pendingByKind(kind, o)) this.destroy(kind, o, cur.obj);
    else this.commit(kind, "MODIFIED", o, cur.obj);
  }

  private recheckOwner(uid: string): void {
    const row = this.q.byUid.get({ uid });
    if (!row) return;
    const k = this.storedKind(row.resource);
    const o = JSON.parse(this.sealing.reveal(row.resource, row.name, row.data)) as KObject;
    if (k && o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes("foregroundDeletion")) this.collect(k, o);
  }

  // ---------------------------------------------------------------- commit

  /** Persist a change and its event, update the owner index, fan out. Returns the stored JSON. */
  private commit(kind: KindDef, type: "ADDED" | "MODIFIED" | "DELETED", obj: KObject, prev: KObject | undefined): string {
    const rv = this.clock.next();
    const resource = resourceKeyOf(kind);
    const name = obj.metadata.name ?? "";
    obj.metadata.resourceVersion = String(rv);
    const data = JSON.stringify(obj);
    this.admissionCache.delete(resource);
    // Sealed resources get a placeholder now and their ciphertext right after the transaction.
    let stored = data;
    if (this.sealing.covers(resource)) {
      stored = this.sealing.record({ resource, name, rv, data, deleted: type === "DELETED" });
      this.flushing ??= Promise.resolve().then(() => this.flushSealed());
    }
    if (type === "DELETED") this.q.remove.run({ resource, name });
    else this.q.upsert.run({ resource, name, uid: obj.metadata.uid ?? "", rv, data: stored });
    this.q.event.run({ rv, resource, type, name, data: stored });
    this.indexOwners(resource, name, type === "DELETED" ? [] : obj.metadata.ownerReferences ?? [], prev?.metadata.ownerReferences ?? []);
    this.writesSinceCompaction++;
    this.hub.publish(resource, type, obj, data, prev, Date.now());
    if (isPushed(resource)) this.push({ resource, type, data });
    if (SHARED_LISTS.has(resource)) this.sharedVersions.set(resource, `${rv}-${crypto.randomUUID()}`);
    return data;
  }

  /** Kick the control loops: batch this tick's changes into one notify call. */
  private push(change: Change): void {
    this.outbox.push(change);
    if (this.outbox.length > 1) return;
    setTimeout(() => {
      const batch = this.outbox;
      this.outbox = [];
      // RPC arguments are limited to 32 MiB: a namespace's cascade can commit more than that in one tick.
      for (const part of byteBatches(batch, NOTIFY_BATCH_BYTES)) {
        // Lost pushes are repaired by the cron resync's full re-list.
        controllerManager(this.env)
          .notify(part)
          .catch((e) => console.error("notify controller manager:", e));
      }
    }, 0);
  }

  private indexOwners(resource: string, name: string, now: { uid: string }[], before: { uid: string }[]): void {
    const a = new Set(now.map((r) => r.uid));
    const b = new Set(before.map((r) => r.uid));
    for (const uid of b) if (!a.has(uid)) this.q.dropOwner.run({ uid, resource, name });
    for (const uid of a) if (!b.has(uid)) this.q.addOwner.run({ uid, resource, name });
  }

  private maybeCompact(force = false): void {
    if (!force && this.writesSinceCompaction < COMPACT_EVERY) return;
    this.writesSinceCompaction = 0;
    const retention = Number(this.env.EVENT_RETENTION_SECONDS ?? DEFAULT_RETENTION_SECONDS);
    const keepMin = Number(this.env.EVENT_KEEP_MIN ?? DEFAULT_KEEP_MIN);
    const horizon = (Date.now() - retention * 1000) * 1000;
    const newestBefore = (rv: number) => this.db.select({ rv: sql<number>`max(${schema.events.rv})` }).from(schema.events).where(lt(schema.events.rv, rv)).get()?.rv;
    // Nothing older than the retention (a burst of writes): done, without counting back keepMin
    // events (an OFFSET walks the table's pages, each an event's JSON: milliseconds).
    const old = newestBefore(horizon);
    if (!old) return;
    const keepFrom = this.db.select({ rv: schema.events.rv }).from(schema.events).orderBy(sql`${schema.events.rv} desc`).limit(1).offset(keepMin).get()?.rv;
    if (keepFrom === undefined) return;
    // Keep the newest keepMin events and everything younger than the retention: cut below both.
    const cut = Math.min(horizon, keepFrom + 1);
    const newest = cut === horizon ? old : newestBefore(cut);
    if (!newest) return;
    this.db.delete(schema.events).where(lt(schema.events.rv, cut)).run();
    this.sealing.forgetEventsBefore(cut);
    this.compactedRv = newest;
    this.setMeta("compactedRv", String(newest));
  }

  /**
   * Events age out an hour after their last update, as with etcd's TTL on
   * Event keys in Kubernetes; watchers see them DELETED.
   */
  private expireEvents(): number {
    const ttl = Number(this.env.EVENT_TTL_SECONDS ?? DEFAULT_EVENT_TTL_SECONDS);
    const horizon = (Date.now() - ttl * 1000) * 1000;
    const rows = this.db
      .select({ name: schema.objects.name, data: schema.objects.data })
      .from(schema.objects)
      .where(and(eq(schema.objects.resource, "events"), lt(schema.objects.rv, horizon)))
      .limit(1000)
      .all();
    if (!rows.length) return 0;
    const kind = this.kindOf("events");
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) {
        const o = JSON.parse(this.sealing.reveal("events", row.name, row.data)) as KObject;
        this.commit(kind, "DELETED", o, o);
      }
    });
    return rows.length;
  }

  /** Compact the event log now (the cron resync calls this; tests use it to reach 410 Gone). */
  async compact(): Promise<number> {
    this.expireEvents();
    this.maybeCompact(true);
    return this.compactedRv;
  }

  // ---------------------------------------------------------------- namespaces

  /** Called by the cluster store when the Namespace object exists. */
  async activate(namespace: string): Promise<void> {
    this.bindNamespace(namespace);
    if (this.lifecycle !== "Active") this.setLifecycle("Active");
  }

  /**
   * The namespace is being deleted: refuse new content, delete everything in
   * it; the cluster store is told when the last object is gone.
   */
  async terminate(namespace: string): Promise<number> {
    this.bindNamespace(namespace);
    this.setLifecycle("Terminating");
    const ctx = context({ username: "system:serviceaccount:kube-system:namespace-controller", groups: [] });
    const rows = this.db.select({ resource: schema.objects.resource, name: schema.objects.name }).from(schema.objects).all();
    for (const resource of new Set(rows.map((r) => r.resource))) await this.learnKind(resource).catch(() => undefined);
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) {
        const k = this.storedKind(row.resource);
        try {
          this.remove(k, row.name, { propagationPolicy: "Background" }, ctx);
        } catch {
          /* deleted by a cascade already */
        }
      }
    });
    const left = this.db.select({ n: sql<number>`count(*)` }).from(schema.objects).get()?.n ?? 0;
    if (left === 0) await this.maybeFinishNamespace();
    return left;
  }

  private async maybeFinishNamespace(): Promise<void> {
    if (this.lifecycle !== "Terminating") return;
    const left = this.db.select({ n: sql<number>`count(*)` }).from(schema.objects).get()?.n ?? 0;
    if (left > 0) return;
    this.hub.closeAll();
    this.setLifecycle("Absent");
    await clusterStore(this.env).finalizeNamespace(this.namespace ?? "");
  }

  /** In the cluster store: a Namespace was marked for deletion; start its termination. */
  private async onNamespaceDeleting(ns: KObject): Promise<void> {
    const name = ns.metadata.name ?? "";
    await namespaceStore(this.env, name).terminate(name);
  }

  /** In the cluster store: the namespace is empty; drop its finalizer and the object. */
  async finalizeNamespace(name: string): Promise<void> {
    const kind = this.kindOf("namespaces");
    const cur = this.load("namespaces", name);
    if (!cur || !cur.obj.metadata.deletionTimestamp) return;
    const o = clone(cur.obj);
    (o.spec as { finalizers?: string[] }).finalizers = [];
    this.ctx.storage.transactionSync(() => {
      if (!(o.metadata.finalizers ?? []).length) this.destroy(kind, o, cur.obj);
      else this.commit(kind, "MODIFIED", o, cur.obj);
    });
  }

  /**
   * Level-triggered repair for the namespace lifecycle (the cron resync and
   * start-up call it): every Namespace's store is told its state again.
   */
  async resyncNamespaces(): Promise<{ active: number; terminating: number }> {
    const rows = this.db.select({ data: schema.objects.data }).from(schema.objects).where(eq(schema.objects.resource, "namespaces")).all();
    let active = 0;
    let terminating = 0;
    for (const row of rows) {
      const ns = JSON.parse(row.data) as KObject;
      const name = ns.metadata.name ?? "";
      if (ns.metadata.deletionTimestamp) {
        terminating++;
        await namespaceStore(this.env, name).terminate(name);
      } else {
        active++;
        const store = namespaceStore(this.env, name);
        await store.activate(name);
        await store.compact();
        // Key rotation's backstop: rows sealed with an older key move to the first one.
        await store.reencrypt();
      }
    }
    this.maybeCompact(true);
    return { active, terminating };
  }

  /** In the cluster store: create the namespaces every cluster has, once. */
  async bootstrap(): Promise<void> {
    this.bindNamespace("");
    const kind = this.kindOf("namespaces");
    const ctx = context({ username: "system:apiserver", groups: ["system:masters"] });
    // Policy first: the controller manager (woken by the namespaces below) authorizes its writes with it.
    this.bootstrapRbac(ctx);
    // The objects kinds declare every cluster has (system PriorityClasses, the agents' IngressClass, APF's configuration).
    for (const kind of registry.all) {
      if (kind.namespaced || kind.custom) continue;
      for (const obj of kind.bootstrap ?? []) {
        if (this.load(resourceKeyOf(kind), obj.metadata.name ?? "")) continue;
        try {
          this.create(kind, JSON.stringify(obj), "application/json", ctx, { fieldValidation: "Strict", fieldManager: "kube-apiserver" });
        } catch (e) {
          console.error(`bootstrap ${kind.plural}/${obj.metadata.name}:`, e);
        }
      }
    }
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      if (!this.load("namespaces", name)) {
        this.create(kind, JSON.stringify({ metadata: { name } }), "application/json", ctx, { fieldValidation: "Strict", fieldManager: "kube-apiserver" });
      }
      await namespaceStore(this.env, name).activate(name);
    }
  }

  /** The default ClusterRoles and bindings (src/authz/bootstrap-policy.ts): created once, re-applied while autoupdate=true. */
  private bootstrapRbac(ctx: StrategyContext): void {
    const opts: WriteOptions = { fieldValidation: "Strict", fieldManager: "kube-apiserver" };
    for (const wanted of [...defaultClusterRoles(), ...defaultClusterRoleBindings()]) {
      const kind = this.kindOf(wanted.kind === "ClusterRole" ? CLUSTER_ROLES : CLUSTER_ROLE_BINDINGS);
      const name = wanted.metadata.name ?? "";
      const cur = this.load(resourceKeyOf(kind), name);
      try {
        if (!cur) this.create(kind, JSON.stringify(wanted), "application/json", ctx, opts);
        else {
          const next = reconcileDefault(cur.obj, wanted);
          if (next) this.update(kind, name, JSON.stringify(next), "application/json", ctx, opts);
        }
      } catch (e) {
        console.error(`bootstrap ${kind.plural}/${name}:`, e);
      }
    }
  }

  /**
   * Cluster-scoped objects every isolate or namespace store keeps a copy of
   * (CustomResourceDefinitions for the apiserver's custom kinds,
   * PriorityClasses for admission): none when the caller's copy (known: the
   * version this returned before) is current, so asking costs one small call.
   */
  async sharedList(resource: string, known: string): Promise<{ version: string; items?: string[] }> {
    if (!SHARED_LISTS.has(resource)) throw new Error(`${resource} is not a shared list`);
    let version = this.sharedVersions.get(resource);
    if (!version) this.sharedVersions.set(resource, (version = `boot-${crypto.randomUUID()}`));
    if (known === version) return { version };
    const rows = this.q.page.all({ resource, limit: NO_LIMIT });
    return { version, items: rows.map((r) => r.data) };
  }

  /** Names of all namespaces, for lists and watches across them. */
  async namespaceNames(): Promise<{ names: string[]; rv: number }> {
    const rows = this.db.select({ name: schema.objects.name }).from(schema.objects).where(eq(schema.objects.resource, "namespaces")).orderBy(asc(schema.objects.name)).all();
    return { names: rows.map((r) => r.name), rv: this.clock.current() };
  }

  /** Components (scheduler, controller-manager) record that they ran. */
  async heartbeat(component: string): Promise<void> {
    this.setMeta(`heartbeat:${component}`, String(Date.now()));
  }

  async heartbeats(): Promise<Record<string, number>> {
    const rows = this.db.select().from(schema.meta).all();
    return Object.fromEntries(rows.filter((r) => r.key.startsWith("heartbeat:")).map((r) => [r.key.slice("heartbeat:".length), Number(r.value)]));
  }

  /**
   * Restore objects from a backup as they were: uid, resourceVersion and all
   * (`edgeplane restore` into a fresh cluster). An object of the same name is
   * replaced (a fresh cluster's default namespaces and accounts). No watch
   * events are written for them: clients list first, at a version past
   * every restored one; the control loops are told, as for any change.
   */
  async restore(items: { resource: string; data: string }[]): Promise<{ restored: number }> {
    let restored = 0;
    this.parsed.clear();
    this.sealing.begin();
    this.ctx.storage.transactionSync(() => {
      for (const it of items) {
        const kind = this.kindOf(it.resource);
        const obj = JSON.parse(it.data) as KObject;
        const name = obj.metadata.name ?? "";
        if (kind.namespaced) this.bindNamespace(obj.metadata.namespace ?? "");
        else this.bindNamespace("");
        const rv = Number(obj.metadata.resourceVersion) || this.clock.next();
        this.clock.observe(rv);
        obj.metadata.resourceVersion = String(rv);
        const data = JSON.stringify(obj);
        const prev = this.load(it.resource, name);
        // Restored Secrets are sealed like any write: the file never holds their plaintext.
        let stored = data;
        if (this.sealing.covers(it.resource)) {
          stored = this.sealing.record({ resource: it.resource, name, rv, data, deleted: false });
          this.flushing ??= Promise.resolve().then(() => this.flushSealed());
        }
        this.admissionCache.delete(it.resource);
        this.q.upsert.run({ resource: it.resource, name, uid: obj.metadata.uid ?? "", rv, data: stored });
        this.indexOwners(it.resource, name, obj.metadata.ownerReferences ?? [], prev?.obj.metadata.ownerReferences ?? []);
        if (isPushed(it.resource)) this.push({ resource: it.resource, type: prev ? "MODIFIED" : "ADDED", data });
        restored++;
      }
      this.setMeta("clock", String(this.clock.current()));
    });
    if (this.flushing) await this.flushing;
    return { restored };
  }

  /** Counts for health and metrics. */
  async stats(): Promise<{ objects: Record<string, number>; events: number; watchers: number; compactedRv: number }> {
    const rows = this.db.select({ resource: schema.objects.resource, n: sql<number>`count(*)` }).from(schema.objects).groupBy(schema.objects.resource).all();
    const events = this.db.select({ n: sql<number>`count(*)` }).from(schema.events).get()?.n ?? 0;
    return { objects: Object.fromEntries(rows.map((r) => [r.resource, r.n])), events, watchers: this.hub.size, compactedRv: this.compactedRv };
  }


}

// -------------------------------------------------------------------- helpers

function prepareStatements(db: DrizzleSqliteDODatabase<typeof schema>) {
  const o = schema.objects;
  const ev = schema.events;
  const refs = schema.ownerRefs;
  const p = (n: string) => sql.placeholder(n);
  /** One resource's rows, from the start or after a name (list continuation). */
  const rowsOf = (after: boolean) => (after ? and(eq(o.resource, p("resource")), gt(o.name, p("after"))) : eq(o.resource, p("resource")));
  return {
    load: db.select({ data: o.data, rv: o.rv }).from(o).where(and(eq(o.resource, p("resource")), eq(o.name, p("name")))).prepare(),
    upsert: db
      .insert(o)
      .values({ resource: p("resource"), name: p("name"), uid: p("uid"), rv: p("rv"), data: p("data") })
      .onConflictDoUpdate({ target: [o.resource, o.name], set: { rv: sql`excluded.rv`, data: sql`excluded.data`, uid: sql`excluded.uid` } })
      .prepare(),
    remove: db.delete(o).where(and(eq(o.resource, p("resource")), eq(o.name, p("name")))).prepare(),
    event: db.insert(schema.events).values({ rv: p("rv"), resource: p("resource"), type: p("type"), name: p("name"), data: p("data") }).prepare(),
    /** A resource's rows in name order, at most limit of them (NO_LIMIT: all); …After: after a name. */
    page: db.select({ name: o.name, data: o.data }).from(o).where(rowsOf(false)).orderBy(asc(o.name)).limit(p("limit")).prepare(),
    pageAfter: db.select({ name: o.name, data: o.data }).from(o).where(rowsOf(true)).orderBy(asc(o.name)).limit(p("limit")).prepare(),
    /** Names and versions only (lists served from the parsed-object cache). */
    versions: db.select({ name: o.name, rv: o.rv }).from(o).where(rowsOf(false)).orderBy(asc(o.name)).limit(p("limit")).prepare(),
    versionsAfter: db.select({ name: o.name, rv: o.rv }).from(o).where(rowsOf(true)).orderBy(asc(o.name)).limit(p("limit")).prepare(),
    count: db.select({ n: sql<number>`count(*)` }).from(o).where(eq(o.resource, p("resource"))).prepare(),
    byUid: db.select({ resource: o.resource, name: o.name, data: o.data }).from(o).where(eq(o.uid, p("uid"))).prepare(),
    eventsSince: db.select().from(ev).where(and(eq(ev.resource, p("resource")), gt(ev.rv, p("rv")))).orderBy(asc(ev.rv)).prepare(),
    dependents: db.select({ resource: refs.resource, name: refs.name }).from(refs).where(eq(refs.ownerUid, p("uid"))).prepare(),
    addOwner: db.insert(refs).values({ ownerUid: p("uid"), resource: p("resource"), name: p("name") }).onConflictDoNothing().prepare(),
    dropOwner: db.delete(refs).where(and(eq(refs.ownerUid, p("uid")), eq(refs.resource, p("resource")), eq(refs.name, p("name")))).prepare(),
    getMeta: db.select({ value: schema.meta.value }).from(schema.meta).where(eq(schema.meta.key, p("key"))).prepare(),
    setMeta: db
      .insert(schema.meta)
      .values({ key: p("key"), value: p("value") })
      .onConflictDoUpdate({ target: schema.meta.key, set: { value: sql`excluded.value` } })
      .prepare(),
  };
}

/** At most this much changed JSON in one notify call (the RPC limit is 32 MiB). */
const NOTIFY_BATCH_BYTES = 8 * 1024 * 1024;

const resourceKeyOf = (k: KindDef) => (k.group ? `${k.plural}.${k.group}` : k.plural);

function context(user: RequestUser): StrategyContext {
  const now = Date.now();
  return { now, nowRfc3339: new Date(now).toISOString().replace(/\.\d+Z$/, "Z"), user };
}

export function failure(e: unknown): Result {
  const err = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e));
  if (!(e instanceof ApiError)) console.error("store error", e);
  return { code: err.code, body: JSON.stringify(err.toStatus()) };
}

export function namespaceStore(env: Env, namespace: string): DurableObjectStub<ObjectStore> {
  return actorStub(env, env.STORE, "ObjectStore", `ns:${namespace}`);
}

export function clusterStore(env: Env): DurableObjectStub<ObjectStore> {
  return actorStub(env, env.STORE, "ObjectStore", "cluster");
}

/** The store holding objects of a kind in a namespace. */
export function storeFor(env: Env, kind: KindDef, namespace: string): DurableObjectStub<ObjectStore> {
  return kind.namespaced ? namespaceStore(env, namespace) : clusterStore(env);
}
