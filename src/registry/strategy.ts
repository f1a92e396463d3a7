/**
 * The generic half of every kind's strategy, as in the apiserver's
 * rest.BeforeCreate / rest.BeforeUpdate: type checks, defaults, system
 * metadata, status handling, generation, validation. Kind files add only
 * their particular hooks (KindDef.strategy).
 */
import { errors, invalidError, fieldErrors, type FieldError } from "../apimachinery/status.js";
import { clone, deepEqual, getPath, setPath } from "../apimachinery/objects.js";
import { validateObjectMeta, generateName } from "../apimachinery/validation.js";
import { validateChanges, validateSchema, type FieldValidation } from "./validate.js";
import { apiVersionOf, type KindDef, type KObject, type StrategyContext } from "./types.js";

export interface PrepareOptions {
  fieldValidation: FieldValidation;
  ctx: StrategyContext;
  /** The namespace from the URL ("" for cluster-scoped kinds). */
  namespace: string;
  /** Mutating admission: runs on the defaulted object, before validation. */
  admit?: (obj: KObject) => void;
}

/**
 * Kinds with a spec/status split outside the core group (workloads, HPA)
 * track spec changes in metadata.generation; core kinds (Pod, Service, Node…)
 * do not in Kubernetes 1.30.
 */
const tracksGeneration = (kind: KindDef) => kind.tracksGeneration ?? (!!kind.subresources?.status && kind.group !== "");

/** Check apiVersion/kind/namespace of a body against the URL it was sent to. */
export function checkTypeMeta(kind: KindDef, obj: Record<string, unknown>, namespace: string): void {
  const want = apiVersionOf(kind);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== kind.kind) {
    throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${kind.kind})`);
  }
  obj.apiVersion = want;
  obj.kind = kind.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  const meta = obj.metadata as Record<string, unknown>;
  if (typeof meta !== "object" || Array.isArray(meta)) throw errors.badRequest("metadata must be an object");
  if (kind.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== namespace) {
      throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.namespace = namespace;
  } else if (meta.namespace) {
    delete meta.namespace;
  }
}

function validateAll(kind: KindDef, obj: KObject, old?: KObject, subresource?: string): void {
  const errs: FieldError[] = validateObjectMeta(obj.metadata, { namespaced: kind.namespaced, nameFormat: kind.nameFormat ?? "dns-subdomain" });
  if (kind.strategy?.validate) errs.push(...kind.strategy.validate(obj, old));
  if (old && kind.strategy?.validateUpdate) errs.push(...kind.strategy.validateUpdate(obj, old, subresource));
  if (errs.length) throw invalidError(kind.kind, kind.group, obj.metadata.name ?? "", errs);
}

/** Set a dotted path to a value, or remove it for undefined. */
function keepField(obj: KObject, path: string, value: unknown): void {
  if (value !== undefined) return setPath(obj, path, value);
  const dot = path.lastIndexOf(".");
  const parent = dot < 0 ? obj : getPath(obj, path.slice(0, dot));
  if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[path.slice(dot + 1)];
}

/** Prepare a new object for storage. Returns warnings for the client. */
export function prepareCreate(kind: KindDef, body: Record<string, unknown>, opts: PrepareOptions): { obj: KObject; warnings: string[] } {
  checkTypeMeta(kind, body, opts.namespace);
  const warnings = validateSchema(kind, body, opts.fieldValidation);
  const obj = body as KObject;
  const meta = obj.metadata;
  if (!meta.name && !meta.generateName) {
    throw invalidError(kind.kind, kind.group, "", [fieldErrors.required("metadata.name", "name or generateName is required")]);
  }
  meta.uid = crypto.randomUUID();
  meta.creationTimestamp = opts.ctx.nowRfc3339;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (tracksGeneration(kind)) meta.generation = 1;
  else delete meta.generation;
  if (kind.subresources?.status && !kind.strategy?.allowStatusOnCreate) delete obj.status;
  kind.strategy?.defaults?.(obj);
  if (!meta.name) meta.name = generateName(meta.generateName ?? "");
  // Mutating admission sees the defaulted object, before the kind's own preparation (as in the apiserver).
  opts.admit?.(obj);
  kind.strategy?.prepareForCreate?.(obj, opts.ctx);
  validateAll(kind, obj);
  return { obj, warnings };
}

/** Parts of an object that are not metadata or status: what generation tracks. */
function specOf(obj: KObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/**
 * Prepare an update of the main resource (or, with subresource "status", of
 * the status) given the stored object.
 */
export function prepareUpdate(
  kind: KindDef,
  body: Record<string, unknown>,
  old: KObject,
  opts: PrepareOptions & { subresource?: string; validated?: boolean },
): { obj: KObject; warnings: string[] } {
  checkTypeMeta(kind, body, opts.namespace);
  let warnings: string[] = [];
  if (!opts.validated) warnings = validateChanges(kind, body, old, opts.fieldValidation);
  let obj = body as KObject;
  const meta = obj.metadata;
  if (meta.name !== undefined && meta.name !== old.metadata.name) {
    throw errors.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${String(old.metadata.name)})`);
  }
  const fields = kind.subresources?.fields ?? {};
  const field = opts.subresource ? fields[opts.subresource] : undefined;
  if (opts.subresource === "status") {
    // Only status changes through /status; everything else is kept. Old's status is replaced, so not copied;
    // assigning the key keeps its place in the JSON.
    const status = obj.status;
    obj = clone({ ...old, status: undefined }) as KObject;
    obj.status = status;
  } else if (field) {
    // Likewise a field subresource (pods/ephemeralcontainers) changes its field only.
    const value = getPath(obj, field);
    obj = clone(old);
    keepField(obj, field, value);
  } else if (!opts.subresource) {
    // A main-resource write keeps status and the fields subresources own; action subresources (binding) write the whole object.
    if (kind.subresources?.status) {
      if (old.status === undefined) delete obj.status;
      else obj.status = clone(old.status);
    }
    for (const path of Object.values(fields)) keepField(obj, path, clone(getPath(old, path)));
  }
  const m = obj.metadata;
  m.name = old.metadata.name;
  m.uid = old.metadata.uid;
  m.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.deletionTimestamp) {
    m.deletionTimestamp = old.metadata.deletionTimestamp;
    m.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  if (old.metadata.generateName !== undefined && m.generateName === undefined) m.generateName = old.metadata.generateName;
  if (kind.namespaced) m.namespace = old.metadata.namespace;
  kind.strategy?.defaults?.(obj);
  opts.admit?.(obj);
  if (!opts.subresource) kind.strategy?.prepareForUpdate?.(obj, old, opts.ctx);
  else kind.strategy?.prepareForSubresourceUpdate?.(obj, old, opts.subresource, opts.ctx);
  if (tracksGeneration(kind)) {
    const gen = old.metadata.generation ?? 1;
    m.generation = opts.subresource !== "status" && !deepEqual(specOf(obj), specOf(old)) ? gen + 1 : gen;
  } else {
    delete m.generation;
  }
  if (m.deletionTimestamp && m.finalizers) {
    const added = m.finalizers.filter((f) => !(old.metadata.finalizers ?? []).includes(f));
    if (added.length) {
      throw invalidError(kind.kind, kind.group, m.name ?? "", [fieldErrors.forbidden("metadata.finalizers", `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`)]);
    }
  }
  validateAll(kind, obj, old, opts.subresource);
  return { obj, warnings };
}
