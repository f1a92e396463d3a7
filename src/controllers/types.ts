/**
 * The small API every control loop is written against, as in client-go:
 * an informer cache to read from (Lister), a client to write with
 * (ClusterClient), an event recorder and a clock. Reconcilers are plain
 * functions of a key over these, so they are unit-tested with the in-memory
 * fake (fake.ts) and run for real in the controller-manager Durable Object.
 */
import type { KObject } from "../registry/types.js";

/** Registry resource keys, e.g. "pods", "replicasets.apps", "leases.coordination.k8s.io". */
export type Resource = string;

/** A namespaced (or, with namespace "", cluster-scoped) object name. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

export const keyString = (k: ObjectKey) => (k.namespace ? `${k.namespace}/${k.name}` : k.name);
export const keyOf = (o: KObject): ObjectKey => ({ namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "" });

/** Read side: the informer cache, always a recent consistent-enough view. */
export interface Lister {
  get(resource: Resource, namespace: string, name: string): KObject | undefined;
  /** All objects of a resource, in one namespace or (namespace undefined) everywhere. */
  list(resource: Resource, namespace?: string): KObject[];
  /** Objects of a resource whose ownerReferences name this uid. */
  ownedBy(resource: Resource, ownerUid: string): KObject[];
  /**
   * What an owner may claim in its namespace: objects naming it as an owner,
   * and objects with no controller (orphans it may adopt). Everything else
   * has another controller, which claiming leaves alone.
   */
  claimable(resource: Resource, namespace: string, ownerUid: string): KObject[];
  /** Pods bound to a node (spec.nodeName), in every namespace. */
  onNode(nodeName: string): KObject[];
}

export interface DeleteOpts {
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * Write side. Every call goes to the object's store; a write based on a stale
 * read fails with a 409 (ApiError) and the key is simply requeued.
 */
export interface ClusterClient {
  create(resource: Resource, obj: KObject): Promise<KObject>;
  /** Replace (metadata.resourceVersion is the precondition). */
  update(resource: Resource, obj: KObject): Promise<KObject>;
  updateStatus(resource: Resource, obj: KObject): Promise<KObject>;
  /** JSON merge patch; subresource "status" patches status. */
  patch(resource: Resource, namespace: string, name: string, patch: unknown, subresource?: "status"): Promise<KObject>;
  delete(resource: Resource, namespace: string, name: string, opts?: DeleteOpts): Promise<void>;
  /** Delete every object of a resource in a namespace ("" for cluster scope); resolves to how many are left (held by finalizers). */
  deleteCollection(resource: Resource, namespace: string): Promise<number>;
  /** POST pods/binding. */
  bind(namespace: string, pod: string, node: string): Promise<void>;
}

export type EventType = "Normal" | "Warning";

/** Records core/v1 Events about objects (deduplicated with counts by the runtime). */
export interface EventRecorder {
  event(obj: KObject, type: EventType, reason: string, message: string): void;
}

export interface ReconcileContext {
  lister: Lister;
  client: ClusterClient;
  recorder: EventRecorder;
  /** Milliseconds since the epoch (a fake clock in tests). */
  now(): number;
}

/** What reconcile asks of the queue: nothing (done), or look again later. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/** A change seen by the informer: which keys of this controller it concerns. */
export type KeyMapper = (obj: KObject, lister: Lister) => ObjectKey[];

/**
 * One control loop: the resources it watches, how a change maps to its keys
 * (client-go's event handlers), and reconcile(key). Reconcile must be
 * level-triggered and idempotent: read the current state, move one step
 * toward the desired state, and be safe to run again at any time.
 */
export interface Controller {
  name: string;
  /** The source its Events name, as kubectl describe shows it; default "<name>-controller" (as "replicaset-controller"). */
  component?: string;
  /** The resource whose keys this controller reconciles. */
  primary: Resource;
  /** Other watched resources and how their changes map to primary keys. */
  watches?: { resource: Resource; map: KeyMapper }[];
  reconcile(key: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

/** Map a dependent to its controlling owner's key (when the owner is of `kind`). */
export function controllerOf(kind: string): KeyMapper {
  return (o) => {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === kind);
    return ref ? [{ namespace: o.metadata.namespace ?? "", name: ref.name }] : [];
  };
}

export const self: KeyMapper = (o) => [keyOf(o)];
