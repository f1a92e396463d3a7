/**
 * The admission interface, as kube-apiserver's admission.Interface: after
 * authorization and before storage, each plugin may mutate the object
 * (admit) and then each may refuse it (validate). Plugins run inside the
 * namespace's store Durable Object, synchronously in the write's
 * transaction, because that is where the object, the namespace's state and
 * everything ResourceQuota counts are at hand and consistent: two concurrent
 * pod creates are serialised by the store, so a quota can never be overrun.
 *
 * A plugin is a plain object; it throws an ApiError (usually 403 Forbidden)
 * to refuse. Everything it may read comes through AdmissionContext, which
 * the store implements over its SQLite tables and unit tests fake.
 */
import type { KindDef, KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import type { AuthzAnswer, AuthzQuery } from "../apimachinery/cel.js";

export type Operation = "CREATE" | "UPDATE" | "DELETE";

export interface Attributes {
  operation: Operation;
  kind: KindDef;
  /** Registry key: "pods", "deployments.apps". */
  resource: string;
  subresource?: string;
  namespace: string;
  name: string;
  /** The object as it will be stored (defaulted); plugins in admit() may change it. */
  object: KObject;
  /** The stored object before an UPDATE/DELETE. */
  oldObject?: KObject;
  user: RequestUser;
  dryRun: boolean;
}

/** The namespace's lifecycle as its store knows it. */
export type NamespacePhase = "Active" | "Terminating" | "Absent";

/** What a plugin may read or record; all synchronous (it runs inside a transaction). */
export interface AdmissionContext {
  /** Labels of the Namespace object (for PodSecurity), or {} when unknown. */
  namespaceLabels(): Record<string, string>;
  namespacePhase(): NamespacePhase;
  /** The cluster's PriorityClasses (a recent copy, as the apiserver's informer would hold). */
  priorityClasses(): KObject[];
  /** The cluster's RuntimeClasses (a recent copy). */
  runtimeClasses(): KObject[];
  /** The cluster's ValidatingAdmissionPolicies and their bindings (a recent copy). */
  admissionPolicies(): { policies: KObject[]; bindings: KObject[] };
  /** The params objects a binding's paramRef selects, for a request in `namespace`. */
  policyParams(binding: KObject, policy: KObject, namespace: string): KObject[];
  /** Objects of a resource in this namespace. */
  list(resource: string): KObject[];
  get(resource: string, name: string): KObject | undefined;
  /** How many objects of a resource this namespace holds (cheap: SQL count). */
  count(resource: string): number;
  /** A ValidatingAdmissionPolicy's `authorizer` check for a user (RBAC as the store can see it). */
  authorize(user: RequestUser, q: AuthzQuery): AuthzAnswer;
  /** A Warning header for the client. */
  warn(message: string): void;
  /** An annotation on this request's audit entry (ValidatingAdmissionPolicy's auditAnnotations and Audit failures). */
  annotate(key: string, value: string): void;
  /**
   * Persist a changed object of another kind in the same transaction
   * (ResourceQuota charges its status.used this way).
   */
  writeStatus(resource: string, obj: KObject): void;
}

export interface AdmissionPlugin {
  name: string;
  /** Mutating phase. */
  admit?(a: Attributes, ctx: AdmissionContext): void;
  /** Validating phase: throw to refuse. */
  validate?(a: Attributes, ctx: AdmissionContext): void;
}
