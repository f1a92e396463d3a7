/**
 * The one generic REST handler behind every resource path. It turns an HTTP
 * request (already authenticated and authorized) into a store call, and the
 * store's answer into the response kubectl expects: JSON or YAML, a Table
 * for `kubectl get`, a streamed watch, a Status on failure.
 */
import type { Env } from "../env.js";
import { errors, ApiError } from "../apimachinery/status.js";
import { MAX_BODY_BYTES, decodeObject, toYaml } from "../apimachinery/codec.js";
import { isProtobuf, protobufToJson } from "../apimachinery/protobuf.js";
import { apiVersionOf, resourceKey, type KindDef, type KObject } from "../registry/types.js";
import { checkTypeMeta } from "../registry/strategy.js";
import { tableDocument, tableRow, columnDefinitions } from "../registry/table.js";
import { scaleColumns } from "../registry/columns.js";
import { parseFieldValidation, validateSchema } from "../registry/validate.js";
import { storeFor, namespaceStore } from "../store/object-store.js";
import { registry } from "../registry/index.js";
import { listAcross, watchAcross } from "../store/across.js";
import type { DeleteOptions, ListResult, PatchType, RequestUser, Result, TableOptions, WriteOptions, WriteRequest } from "../store/protocol.js";
import { listItems } from "../store/rpc-lists.js";
import { mapLines } from "../apimachinery/lines.js";
import type { ResourceRequest } from "./request-info.js";
import { apiServices } from "./apiservices.js";
import { writeWithWebhooks } from "../admission/webhooks/dispatch.js";
import { componentStatuses } from "./componentstatus.js";
import { proxySubresource } from "../tunnel/pod-proxy.js";
import { confirmWrite } from "../authz/write-checks.js";
import { rbacChanged } from "../authz/worker.js";
import { authorizationReviews } from "../authz/reviews.js";
import { authenticationReviews } from "../auth/reviews.js";

export interface Negotiated {
  table?: TableOptions;
  yaml: boolean;
}

/** Read Accept: JSON (default), YAML, or a meta.k8s.io Table. */
export function negotiate(accept: string | null, query: URLSearchParams): Negotiated {
  const a = (accept ?? "").toLowerCase();
  const n: Negotiated = { yaml: false };
  if (!a || a === "*/*") return n;
  const types = a.split(",").map((t) => t.trim());
  for (const t of types) {
    const [mime, ...params] = t.split(";").map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split("=").map((s) => s.trim())));
    if (p.as === "table" && (p.g === "meta.k8s.io" || !p.g) && (mime === "application/json" || mime === "*/*")) {
      const include = query.get("includeObject");
      n.table = { includeObject: include === "None" || include === "Object" ? include : "Metadata" };
      return n;
    }
    if (p.as) continue;
    if (mime === "application/json" || mime === "*/*" || mime === "application/*" || mime === "application/json-seq") return n;
    if (mime === "application/yaml") return { yaml: true };
  }
  if (types.every((t) => t.startsWith("application/vnd.kubernetes.protobuf") || t.includes("as="))) {
    throw errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`);
  }
  return n;
}

export function respond(code: number, body: string, n: Negotiated | undefined, warnings?: string[]): Response {
  const headers = new Headers({ "content-type": n?.yaml ? "application/yaml" : "application/json", "cache-control": "no-cache, private" });
  for (const w of warnings ?? []) headers.append("warning", `299 - ${JSON.stringify(w)}`);
  return new Response(n?.yaml && code < 400 ? toYaml(body) : body, { status: code, headers });
}

export function statusResponse(e: ApiError): Response {
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-cache, private" });
  if (e.details?.retryAfterSeconds) headers.set("retry-after", String(e.details.retryAfterSeconds));
  return new Response(JSON.stringify(e.toStatus()), { status: e.code, headers });
}

/**
 * How an object leaves in the version a request named: a built-in kind served
 * in another version than stored is converted (kind.convert); a custom
 * resource served in several versions only changes apiVersion (conversion
 * None). undefined: stored and served alike.
 */
function outConversion(kind: KindDef): ((o: KObject) => KObject) | undefined {
  if (kind.convert) return kind.convert.down;
  if ((kind.custom?.servedVersions ?? 1) < 2) return undefined;
  const want = apiVersionOf(kind);
  return (o) => ({ ...o, apiVersion: want });
}

const convertsOut = (kind: KindDef) => outConversion(kind) !== undefined;

/** An object of this kind (JSON) in the version asked for; anything else (a Status) as it is. */
function inRequestedVersion(kind: KindDef, json: string): string {
  const convert = outConversion(kind);
  if (!convert) return json;
  const o = JSON.parse(json) as KObject;
  return o.kind !== kind.kind || o.apiVersion === apiVersionOf(kind) ? json : JSON.stringify(convert(o));
}

/** A watch event line, its object in the version asked for (as inRequestedVersion). */
function eventInRequestedVersion(kind: KindDef, line: string): string {
  const ev = JSON.parse(line) as { object?: KObject };
  if (!ev.object || ev.object.kind !== kind.kind || ev.object.apiVersion === apiVersionOf(kind)) return line;
  return JSON.stringify({ ...ev, object: outConversion(kind)!(ev.object) });
}

/**
 * A create or update body sent to a converted version, in the stored version
 * (JSON) for the store: validated first against the version it was written
 * in, so unknown fields are refused or warned about as they would be there.
 */
function toStorage(kind: KindDef, namespace: string, body: string, contentType: string, options: WriteOptions, partial = false): { body: string; warnings: string[] } {
  const input = decodeObject(body, partial ? "application/yaml" : contentType);
  checkTypeMeta(kind, input, namespace);
  const warnings = validateSchema(kind, input, options.fieldValidation, kind.schema, partial);
  return { body: JSON.stringify(kind.convert!.up(input as KObject)), warnings };
}

function fromResult(r: Result, n: Negotiated, kind: KindDef, table: boolean): Response {
  if (r.code >= 400) return respond(r.code, r.body, undefined, r.warnings);
  const body = inRequestedVersion(kind, r.body);
  if (!table || !n.table) return respond(r.code, body, n, r.warnings);
  // Cells come from the object as stored (the kind's columns read that version); an included object is the one asked for.
  const obj = JSON.parse(r.body);
  return respond(r.code, tableDocument(kind, [tableRow(kind, obj, body, Date.now(), n.table)], { resourceVersion: obj.metadata?.resourceVersion }), n, r.warnings);
}

// -------------------------------------------------------------- continue tokens

interface ContinueToken {
  rv: number;
  /** Namespace to continue in (cross-namespace lists). */
  ns?: string;
  /** Name to continue after. */
  after?: string;
}

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

export function encodeContinue(t: ContinueToken): string {
  return b64url(JSON.stringify({ v: "ep1", ...t }));
}

export function decodeContinue(raw: string): ContinueToken {
  try {
    const t = JSON.parse(unb64url(raw)) as ContinueToken & { v?: string };
    if (t.v !== "ep1" || typeof t.rv !== "number") throw new Error("bad");
    return t;
  } catch {
    throw errors.badRequest("continue key is not valid: illegal base64 data or unknown format");
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw errors.badRequest(`invalid ${name} parameter: ${JSON.stringify(raw)}: must be a non-negative integer`);
  return n;
}

function rvParam(q: URLSearchParams, name = "resourceVersion"): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "" || raw === "0") return undefined;
  // Versions are microsecond clocks, well inside 2^53: anything beyond is not one of ours.
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw errors.badRequest(`invalid resource version: ${raw}`);
  return Number(raw);
}

// -------------------------------------------------------------- the handler

export interface RestContext {
  env: Env;
  req: Request;
  url: URL;
  info: ResourceRequest;
  user: RequestUser;
  /** Told the name of an object this request created (for the audit log). */
  created?: (name: string) => void;
  /** Told what admission noted for the request's audit entry. */
  annotate?: (annotations: Record<string, string>) => void;
}

/** The CRD version a custom resource's store must know (see ObjectStore.learnKind). */
const crdVersionOf = (kind: KindDef, resource: string) => (kind.custom ? registry.crdOf(resource)?.metadata.resourceVersion : undefined);

export async function handleResource(c: RestContext): Promise<Response> {
  const { info, url, req, env } = c;
  const kind = info.kind;
  if (!kind) throw errors.notFoundPath(url.pathname);
  const q = url.searchParams;
  const n = negotiate(req.headers.get("accept"), q);
  const sub = info.subresource;
  if (sub) {
    const s = kind.subresources ?? {};
    const known = (sub === "status" && s.status) || (sub === "scale" && s.scale) || s.fields?.[sub] || s.actions?.[sub] || s.proxied?.includes(sub.split("/")[0]) || (sub === "finalize" && kind.kind === "Namespace");
    if (!known) throw errors.notFoundPath(url.pathname);
    if (s.proxied?.includes(sub.split("/")[0])) return proxySubresource(env, req, url, info, kind, sub);
  }
  if (kind.virtual) return virtualKind(c, kind, n);
  // A namespace in the path names a store (a Durable Object): only valid names get one.
  if (kind.namespaced && info.namespace && !validNamespace(info.namespace)) throw errors.notFound({ group: "", resource: "namespaces" }, info.namespace);
  if (kind.namespaced && !info.namespace && !info.allNamespaces) throw errors.notFoundPath(url.pathname);
  const stub = storeFor(env, kind, info.namespace);
  // A view (kind.convert) is stored as its storage kind.
  const resource = resourceKey(kind.convert?.storage ?? kind);
  const crdVersion = crdVersionOf(kind, resource);

  /** After a write: its audit annotations to the audit entry; a changed RBAC object drops this isolate's snapshot. */
  const settled = (r: Result) => {
    if (r.auditAnnotations) c.annotate?.(r.auditAnnotations);
    if (r.code < 400) rbacChanged(resource, info.namespace);
    return r;
  };

  switch (info.verb) {
    case "get": {
      const r = await stub.get(resource, info.namespace, info.name, sub || undefined, crdVersion);
      // As tables: the status and field subresources are the whole object (its kind's columns), scale a Scale (kubectl's Scale columns).
      return fromResult(r, n, sub === "scale" ? { ...kind, columns: scaleColumns } : kind, !sub || sub === "status" || sub === "scale" || !!kind.subresources?.fields?.[sub]);
    }
    case "list":
      return list(c, kind, resource, n);
    case "watch":
      return watch(c, kind, resource, n);
    case "create":
    case "update":
    case "patch": {
      if (info.verb === "create" && info.name && !sub) throw errors.methodNotAllowed(`POST is not allowed on a named ${kind.kind}; use PUT or PATCH`);
      let body = await readBody(req);
      const options = writeOptions(q, req);
      let contentType = bodyContentType(req);
      // A converted version: whole bodies reach the store in the stored version; patches apply to this version there.
      let warnings: string[] = [];
      const pt = info.verb === "patch" ? patchType(contentType) : undefined;
      if (kind.convert && (info.verb !== "patch" || pt === "apply")) {
        if (info.verb !== "patch") requireJsonOrYaml(contentType);
        ({ body, warnings } = toStorage(kind, info.namespace, body, contentType, options, pt === "apply"));
        if (info.verb !== "patch") contentType = "application/json";
      }
      let w: WriteRequest;
      if (pt) {
        // Custom resources have no patch strategies to merge by (Kubernetes answers the same).
        if (pt === "strategic" && kind.custom) throw errors.unsupportedMediaType(contentType, "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        w = { verb: "patch", resource, namespace: info.namespace, name: info.name, subresource: sub || undefined, user: c.user, body, patchType: pt, options };
      } else if (info.verb === "update") {
        requireJsonOrYaml(contentType);
        if (sub === "finalize") {
          w = { verb: "update", resource, namespace: "", name: info.name, subresource: "status", user: c.user, body, contentType, options };
        } else {
          w = { verb: "update", resource, namespace: info.namespace, name: info.name, subresource: sub || undefined, user: c.user, body, contentType, options };
        }
      } else {
        requireJsonOrYaml(contentType);
        w = { verb: "create", resource, namespace: info.namespace, name: info.name || undefined, subresource: sub || undefined, user: c.user, body, contentType, options };
      }
      w.crdVersion = crdVersion;
      // A custom resource's served version; a view's patch is applied in the store to the object as the view shows it.
      if (kind.custom || (kind.convert && pt && pt !== "apply")) w.version = apiVersionOf(kind);
      await confirmWrite(env, c.user, info, { dryRun: () => stub.write({ ...w, options: { ...options, dryRun: true } } as WriteRequest), stored: () => stub.get(resource, info.namespace, info.name) });
      const r = settled(await writeWithWebhooks(env, stub, w));
      if (r.name !== undefined) c.created?.(r.name);
      if (warnings.length) r.warnings = [...warnings, ...(r.warnings ?? [])];
      return fromResult(r, n, kind, false);
    }
    case "delete": {
      const options = await deleteOptions(req, q);
      const r = settled(await writeWithWebhooks(env, stub, { verb: "delete", resource, namespace: info.namespace, name: info.name, user: c.user, options, crdVersion }));
      return fromResult(r, n, kind, false);
    }
    case "deletecollection": {
      if (info.allNamespaces) throw errors.methodNotAllowed("deletecollection across all namespaces is not supported; name a namespace");
      const options = await deleteOptions(req, q);
      const r = settled(await stub.write({ verb: "deletecollection", resource, namespace: info.namespace, user: c.user, list: { labelSelector: q.get("labelSelector") ?? undefined, fieldSelector: q.get("fieldSelector") ?? undefined }, options, crdVersion }));
      return respond(r.code, r.body, r.code < 400 ? n : undefined, r.warnings);
    }
  }
  throw errors.methodNotAllowed(`${req.method} is not supported`);
}

/** The media type of what readBody returns: a protobuf body is read as JSON. */
export function bodyContentType(req: Request): string {
  const ct = req.headers.get("content-type") ?? "application/json";
  return isProtobuf(ct) ? "application/json" : ct;
}

/** The request body as text (JSON or YAML; protobuf is decoded to JSON), within the size limit. */
export async function readBody(req: Request): Promise<string> {
  const len = Number(req.headers.get("content-length") ?? "0");
  if (len > MAX_BODY_BYTES) {
    // Read (and drop) what the client is sending before answering 413, up to a bound: answering
    // first makes the runtime reset the connection, and the client sees a transport error instead.
    if (len <= 8 * MAX_BODY_BYTES) await req.arrayBuffer().catch(() => undefined);
    throw errors.tooLarge(MAX_BODY_BYTES);
  }
  const buf = await req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw errors.tooLarge(MAX_BODY_BYTES);
  // kubectl ≥ 1.32 and typed clients send built-in objects as protobuf: read as the JSON they carry.
  if (isProtobuf(req.headers.get("content-type"))) return protobufToJson(new Uint8Array(buf));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw errors.badRequest("the request body is not valid UTF-8");
  }
}

const validNamespace = (ns: string) => ns.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns);

function requireJsonOrYaml(contentType: string): void {
  const mime = contentType.split(";")[0].trim().toLowerCase();
  if (!["application/json", "application/yaml", "text/yaml", "application/x-yaml", ""].includes(mime)) throw errors.unsupportedMediaType(contentType);
}

function patchType(contentType: string): PatchType {
  const mime = contentType.split(";")[0].trim().toLowerCase();
  switch (mime) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
    case "application/apply-patch+cbor":
      if (mime.endsWith("cbor")) throw errors.unsupportedMediaType(contentType);
      return "apply";
  }
  throw errors.unsupportedMediaType(contentType);
}

function writeOptions(q: URLSearchParams, req: Request): WriteOptions {
  const dryRun = q.getAll("dryRun");
  if (dryRun.some((d) => d !== "All")) throw errors.badRequest(`Invalid dryRun value: ${JSON.stringify(dryRun)}; only "All" is supported`);
  const manager = q.get("fieldManager") ?? undefined;
  if (manager !== undefined && manager.length > 128) throw errors.badRequest("fieldManager: Too long: may not be longer than 128 characters");
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: parseFieldValidation(q.get("fieldValidation")),
    fieldManager: manager,
    force: q.get("force") === "true",
    userAgent: req.headers.get("user-agent") ?? undefined,
  };
}

async function deleteOptions(req: Request, q: URLSearchParams): Promise<DeleteOptions> {
  const o: DeleteOptions = {};
  const text = req.body ? await readBody(req) : "";
  if (text.trim()) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw errors.badRequest("DeleteOptions: the body is not valid JSON");
    }
    if (typeof body !== "object" || body === null) throw errors.badRequest("DeleteOptions must be an object");
    if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null) o.gracePeriodSeconds = Number(body.gracePeriodSeconds);
    if (typeof body.propagationPolicy === "string") o.propagationPolicy = body.propagationPolicy as DeleteOptions["propagationPolicy"];
    if (typeof body.orphanDependents === "boolean") o.orphanDependents = body.orphanDependents;
    if (body.preconditions && typeof body.preconditions === "object") o.preconditions = body.preconditions as DeleteOptions["preconditions"];
    if (Array.isArray(body.dryRun) && body.dryRun.length) o.dryRun = true;
  }
  const grace = intParam(q, "gracePeriodSeconds");
  if (grace !== undefined) o.gracePeriodSeconds = grace;
  const pp = q.get("propagationPolicy");
  if (pp) o.propagationPolicy = pp as DeleteOptions["propagationPolicy"];
  if (q.get("orphanDependents") !== null) o.orphanDependents = q.get("orphanDependents") === "true";
  if (q.getAll("dryRun").length) o.dryRun = true;
  if (o.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(o.propagationPolicy)) {
    throw errors.invalid("DeleteOptions", "meta.k8s.io", "", [{ field: "propagationPolicy", reason: "FieldValueNotSupported", message: `Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"` }]);
  }
  if (o.gracePeriodSeconds !== undefined && (!Number.isInteger(o.gracePeriodSeconds) || o.gracePeriodSeconds < 0)) {
    throw errors.badRequest("gracePeriodSeconds must be a non-negative integer");
  }
  return o;
}

function listDocument(kind: KindDef, items: string[], rv: number, n: Negotiated, cont?: string, remaining?: number): string {
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (cont) meta.continue = cont;
  if (remaining !== undefined) meta.remainingItemCount = remaining;
  if (n.table) return tableDocument(kind, items, meta);
  const objects = convertsOut(kind) ? items.map((i) => inRequestedVersion(kind, i)) : items;
  return `{"kind":"${kind.kind}List","apiVersion":"${apiVersionOf(kind)}","metadata":${JSON.stringify(meta)},"items":[${objects.join(",")}]}`;
}

async function list(c: RestContext, kind: KindDef, resource: string, n: Negotiated): Promise<Response> {
  const q = c.url.searchParams;
  const limit = intParam(q, "limit");
  const cont = q.get("continue") ? decodeContinue(q.get("continue")!) : undefined;
  const labelSelector = q.get("labelSelector") ?? undefined;
  const fieldSelector = q.get("fieldSelector") ?? undefined;
  if (c.info.allNamespaces) {
    const page = await listAcross(c.env, resource, { labelSelector, fieldSelector, limit, after: cont?.after, startNs: cont?.ns, table: n.table, crdVersion: crdVersionOf(kind, resource) });
    if (page.error) return respond(page.error.code, page.error.body, undefined);
    const rv = cont?.rv ?? page.rv;
    const next = page.next ? encodeContinue({ rv, ns: page.next.ns, after: page.next.after }) : undefined;
    return respond(200, listDocument(kind, page.items, rv, n, next), n);
  }
  const stub = storeFor(c.env, kind, c.info.namespace);
  const r = (await stub.list({ resource, namespace: c.info.namespace, labelSelector, fieldSelector, limit, after: cont?.after, table: n.table, crdVersion: crdVersionOf(kind, resource) })) as ListResult | Result;
  if ("code" in r) return respond(r.code, r.body, undefined);
  const rv = cont?.rv ?? r.rv;
  const next = r.last !== undefined ? encodeContinue({ rv, after: r.last }) : undefined;
  return respond(200, listDocument(kind, await listItems(r), rv, n, next), n);
}

async function watch(c: RestContext, kind: KindDef, resource: string, n: Negotiated): Promise<Response> {
  const q = c.url.searchParams;
  const sinceRv = rvParam(q);
  const timeoutSeconds = intParam(q, "timeoutSeconds");
  const bookmarks = q.get("allowWatchBookmarks") === "true";
  const labelSelector = q.get("labelSelector") ?? undefined;
  const fieldSelector = q.get("fieldSelector") ?? undefined;
  const sendInitialEvents = q.get("sendInitialEvents") === null ? undefined : q.get("sendInitialEvents") === "true";
  const crdVersion = crdVersionOf(kind, resource);
  // Table rows carry only metadata: there is no apiVersion to convert.
  const convert = !n.table && convertsOut(kind) ? (line: string) => eventInRequestedVersion(kind, line) : undefined;
  // A compressed stream is held back by the compressor's buffer: watch events must flow as written,
  // so ask the edge (and Miniflare, which emulates it) to leave the body alone.
  const headers = { "content-type": "application/json", "cache-control": "no-cache, private, no-transform", "content-encoding": "identity" };
  if (c.info.allNamespaces) {
    const table = n.table ? { ...n.table, noHeaders: true } : undefined;
    const stream = watchAcross(
      c.env,
      (ns, since) => namespaceStore(c.env, ns).watch({ resource, namespace: ns, labelSelector, fieldSelector, sinceRv: since, bookmarks, table, timeoutSeconds, sendInitialEvents, crdVersion }),
      sinceRv,
      n.table ? (line) => addColumnDefinitions(line, kind) : undefined,
    );
    const versioned = convert ? mapLines(stream, convert) : stream;
    return new Response(timeoutSeconds ? withTimeout(versioned, timeoutSeconds) : versioned, { status: 200, headers });
  }
  const stub = storeFor(c.env, kind, c.info.namespace);
  const stream = await stub.watch({ resource, namespace: c.info.namespace, labelSelector, fieldSelector, sinceRv, bookmarks, table: n.table, timeoutSeconds, sendInitialEvents, crdVersion });
  return new Response(convert ? mapLines(stream, convert) : stream, { status: 200, headers });
}

function addColumnDefinitions(line: string, kind: KindDef): string {
  const i = line.indexOf('"rows":');
  if (i < 0) return line;
  return `${line.slice(0, i)}"columnDefinitions":${JSON.stringify(columnDefinitions(kind))},${line.slice(i)}`;
}

function withTimeout(stream: ReadableStream<Uint8Array>, seconds: number): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        void reader.cancel().catch(() => {});
        try {
          controller.close();
        } catch {
          /* closed */
        }
      }, seconds * 1000);
    },
    async pull(controller) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) {
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          /* closed */
        }
        return;
      }
      controller.enqueue(value);
    },
    cancel() {
      clearTimeout(timer);
      void reader.cancel().catch(() => {});
    },
  });
}

/** The create-only review kinds, answered at once by the authenticator or the authorizer. */
const reviews = { ...authenticationReviews, ...authorizationReviews };

/** Read-only kinds computed on each read; `why`: what a write is told besides that it is not supported. */
const computed: Record<string, { list: (env: Env) => Promise<KObject[]>; why?: string }> = {
  componentstatuses: { list: componentStatuses },
  "apiservices.apiregistration.k8s.io": { list: apiServices, why: "Edgeplane serves every API group itself and does not aggregate other API servers" },
};

async function virtualKind(c: RestContext, kind: KindDef, n: Negotiated): Promise<Response> {
  const review = reviews[resourceKey(kind)];
  if (review) {
    if (c.info.verb !== "create") throw errors.methodNotAllowed(`only create is supported on ${kind.plural}`);
    const body = decodeObject(await readBody(c.req), bodyContentType(c.req));
    return respond(201, JSON.stringify(await review(c.env, c.user, body, c.info.namespace)), n);
  }
  const source = computed[resourceKey(kind)];
  if (!source) throw errors.notFoundPath(c.url.pathname);
  const all = await source.list(c.env);
  if (c.info.verb === "get") {
    const one = all.find((o) => o.metadata.name === c.info.name);
    if (!one) throw errors.notFound({ group: kind.group, resource: kind.plural }, c.info.name);
    return fromResult({ code: 200, body: JSON.stringify(one) }, n, kind, true);
  }
  if (c.info.verb !== "list") throw errors.methodNotAllowed(`${c.info.verb} is not supported on ${kind.plural}${source.why ? `: ${source.why}` : ""}`);
  const items = all.map((o) => (n.table ? tableRow(kind, o, JSON.stringify(o), Date.now(), n.table) : JSON.stringify(o)));
  return respond(200, listDocument(kind, items, 0, n).replace('"resourceVersion":"0"', '"resourceVersion":""'), n);
}
