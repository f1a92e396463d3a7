/**
 * The shape of one kind's declaration. Like the per-kind strategy files of the
 * Kubernetes apiserver: everything generic (routes, discovery, OpenAPI,
 * validation, storage, tables, watch) reads these fields; a kind file only
 * declares what is particular to it.
 */
import type { GenericSchema } from "valibot";
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1";
import type { FieldError } from "../apimachinery/status.js";

/** A Kubernetes object as stored: plain JSON. */
export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
};

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: "FieldsV1";
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: unknown;
}

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";
export const ALL_VERBS: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
export const READ_VERBS: Verb[] = ["get", "list", "watch"];

/** One column of `kubectl get` (server-side Table printing). */
export interface Column {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: "name" | "";
  /** 0: always shown; 1: shown with -o wide. */
  priority?: 0 | 1;
  description?: string;
  cell: (obj: KObject, now: number) => string | number | boolean | null;
}

/** Context handed to strategy hooks by the store. */
export interface StrategyContext {
  /** Milliseconds since the epoch at the time of the write. */
  now: number;
  /** RFC 3339 form of now, second precision (what metadata timestamps use). */
  nowRfc3339: string;
  /** The authenticated user making the request. */
  user: { username: string; groups: string[] };
}

/** Hooks a kind may define; all are optional and run inside the store. */
export interface Strategy {
  /** Fill in defaults (after decoding, before validation), as Kubernetes' SetDefaults_*. */
  defaults?(obj: KObject): void;
  /** Nodes may carry status on create (the kubelet registers with it); other status kinds may not. */
  allowStatusOnCreate?: boolean;
  /** Reset fields a client may not set on create (e.g. status). */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  /** Carry over what a main-resource update may not change (e.g. status). */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  /** Kind-specific validation beyond the schema; `old` is the live object on update (CEL rules compare with it). */
  validate?(obj: KObject, old?: KObject): FieldError[];
  /**
   * Immutable fields and other transition rules. subresource names the path
   * of the write ("status", a field subresource) when it is not the main
   * resource: Kubernetes' per-subresource strategies allow different changes.
   */
  validateUpdate?(obj: KObject, old: KObject, subresource?: string): FieldError[];
  /** As prepareForUpdate, for writes through the status or a field subresource. */
  prepareForSubresourceUpdate?(obj: KObject, old: KObject, subresource: string, ctx: StrategyContext): void;
  /**
   * Graceful deletion: return the grace period (seconds) to apply, or 0 to
   * delete at once. Pods bound to a node wait for their kubelet.
   */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
  /** Mark an object on its way out (a Namespace turns Terminating). */
  prepareForDelete?(obj: KObject): void;
  /**
   * Whether an object with deletionTimestamp must stay although it has no
   * metadata.finalizers (a pod in its grace period, a namespace whose
   * spec.finalizers are not done).
   */
  pendingDeletion?(obj: KObject): boolean;
}

/** The scale subresource maps to these paths (as CRDs declare them). */
export interface ScaleDef {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/**
 * A subresource that is a write into its parent (binding, eviction): it runs
 * in the store, atomically with the parent's read. Return the parent's new
 * state, or "delete" to delete it.
 */
export interface ActionSubresource {
  kind: string;
  group?: string;
  version?: string;
  schemaName?: string;
  /** A resource of the parent's namespace the action reads (copies, by name) and may update in the same transaction. */
  related?: string;
  apply(parent: KObject, body: KObject, ctx: StrategyContext, related: KObject[]): KObject | "delete" | ActionOutcome;
}

/** An action's result with related objects to write first (eviction spends its PodDisruptionBudget). */
export interface ActionOutcome {
  result: KObject | "delete";
  update: KObject[];
  /** With "delete": the parent's status to store before it is deleted (eviction's DisruptionTarget condition). */
  statusBeforeDelete?: KObject;
}

export interface KindDef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** OpenAPI definition name, e.g. io.k8s.api.apps.v1.Deployment. */
  schemaName: string;
  /** The valibot schema of the whole object. */
  schema: GenericSchema;
  /** Verbs served; defaults to all. */
  verbs?: Verb[];
  /** How names are validated: DNS-1123 subdomain (default), label, or path segment only. */
  nameFormat?: "dns-subdomain" | "dns-label" | "path-segment";
  /** Extra fieldSelector paths beyond metadata.name / metadata.namespace. */
  fieldSelectors?: Record<string, (obj: KObject) => string | undefined>;
  columns: Column[];
  strategy?: Strategy;
  subresources?: {
    /** A /status subresource: main updates keep status, status updates keep the rest. */
    status?: boolean;
    scale?: ScaleDef;
    /**
     * Subresources that own one field of the object (pods/ephemeralcontainers:
     * spec.ephemeralContainers), by dotted path: get answers the object, a
     * write through one changes only that field, and main-resource writes
     * keep it as stored (as they keep status).
     */
    fields?: Record<string, string>;
    actions?: Record<string, ActionSubresource>;
    /** Streamed from the node agent (pods/log, pods/exec): wired by the agent. */
    proxied?: string[];
  };
  /**
   * Objects every cluster has (cluster-scoped kinds): the cluster store
   * creates each one missing when it starts, as kube-apiserver's bootstrap
   * controllers do (system PriorityClasses, API Priority and Fairness).
   */
  bootstrap?: KObject[];
  /** Served content computed on read rather than stored (ComponentStatus). */
  virtual?: boolean;
  /** metadata.generation counts spec changes; default: kinds with a status subresource outside the core group. */
  tracksGeneration?: boolean;
  /** Set on kinds a CustomResourceDefinition declares (crd/kind.ts): its schema, for OpenAPI. */
  custom?: { schema?: JSONSchemaProps; listKind: string; servedVersions?: number };
  /**
   * Set on a built-in kind served as a view of another one it is stored as
   * (autoscaling/v1 HorizontalPodAutoscaler over v2, events.k8s.io/v1 Event
   * over core/v1): the apiserver converts bodies up to the storage kind
   * before the store sees them and answers down.
   */
  convert?: { storage: KindDef; up(o: KObject): KObject; down(o: KObject): KObject };
}

export const apiVersionOf = (k: Pick<KindDef, "group" | "version">) => (k.group ? `${k.group}/${k.version}` : k.version);
export const resourceKey = (k: Pick<KindDef, "group" | "plural">) => (k.group ? `${k.plural}.${k.group}` : k.plural);
