/**
 * What the apiserver (in the Worker) asks of a store Durable Object, and what
 * comes back. Bodies travel as text and results as serialised JSON, so an
 * object is parsed once and encoded once on its way through.
 */
import type { FieldValidation } from "../registry/validate.js";

export interface RequestUser {
  username: string;
  uid?: string;
  groups: string[];
  /** Extra attributes (a ServiceAccount token's pod, Impersonate-Extra-*), as user.Info's Extra. */
  extra?: Record<string, string[]>;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation: FieldValidation;
  fieldManager?: string;
  force?: boolean;
  userAgent?: string;
  /** The mutating admission webhooks' JSON patch, applied after the built-in admission plugins. */
  admissionPatch?: { op: string; path: string; value?: unknown; from?: string }[];
  /** Refuse with a Conflict unless the live object has this resourceVersion (what the webhooks saw). */
  expectResourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

interface Target {
  /** Registry key: "pods", "deployments.apps". */
  resource: string;
  /** The namespace ("" for cluster-scoped kinds). */
  namespace: string;
  subresource?: string;
  user: RequestUser;
  /** A custom resource's CRD resourceVersion as the apiserver knows it: the store reads the CRD again when its own copy differs. */
  crdVersion?: string;
  /**
   * The apiVersion the request was sent to when it is not the stored kind's: a custom resource's
   * served version (validated by its schema), or a view whose patch applies to the object as it shows it.
   */
  version?: string;
}

export type WriteRequest =
  | (Target & { verb: "create"; name?: string; body: string; contentType?: string; options: WriteOptions })
  | (Target & { verb: "update"; name: string; body: string; contentType?: string; options: WriteOptions })
  | (Target & { verb: "patch"; name: string; body: string; patchType: PatchType; options: WriteOptions })
  | (Target & { verb: "delete"; name: string; options: DeleteOptions })
  | (Target & { verb: "deletecollection"; list: ListQuery; options: DeleteOptions });

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  /** Name to continue after (decoded from the continue token). */
  after?: string;
}

export interface TableOptions {
  /** "None" | "Metadata" (default) | "Object" */
  includeObject?: "None" | "Metadata" | "Object";
  /** Leave out columnDefinitions (watch events after the first). */
  noHeaders?: boolean;
}

export interface ListRequest extends ListQuery {
  resource: string;
  namespace: string;
  /** As WriteRequest's. */
  crdVersion?: string;
  table?: TableOptions;
}

export interface ListResult {
  /** Serialised objects, or serialised Table rows when table was asked. */
  items: string[];
  /** The items instead, when they would not fit one RPC (see rpc-lists.ts: read them with listItems()). */
  itemStream?: ReadableStream<Uint8Array>;
  /** A version no later write in this store will have. */
  rv: number;
  /** Set when the list stopped at limit: the last name returned. */
  last?: string;
  remaining?: number;
}

export interface WatchRequest {
  resource: string;
  namespace: string;
  /** As WriteRequest's. */
  crdVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replay events after this version; undefined: start with ADDED for every current object. */
  sinceRv?: number;
  /** With no sinceRv, send the current objects first (default true). */
  sendInitialEvents?: boolean;
  bookmarks?: boolean;
  table?: TableOptions;
  timeoutSeconds?: number;
}

/** The outcome of a get or a write: an HTTP status, the JSON body, warnings. */
export interface Result {
  code: number;
  body: string;
  warnings?: string[];
  /** The object's name, on a create (a generated name included): the audit log records it without parsing body. */
  name?: string;
  /** Annotations admission put on the request's audit entry. */
  auditAnnotations?: Record<string, string>;
}
