/**
 * What a request is about, from its method, path and query, as the
 * apiserver's RequestInfoFactory works it out: the verb (get/list/watch/
 * create/...), group, version, namespace, resource, name and subresource.
 * Authorization, admission and the handlers all read this one record.
 */
import { registry } from "../registry/index.js";
import type { KindDef } from "../registry/types.js";

export interface ResourceRequest {
  isResourceRequest: true;
  verb: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** The kind when the resource is known to the registry. */
  kind?: KindDef;
  /** A list/watch of a namespaced kind across all namespaces. */
  allNamespaces: boolean;
  /** A list/watch's fieldSelector (the node authorizer lets a kubelet list only its own pods). */
  fieldSelector?: string;
}

export interface NonResourceRequest {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const METHOD_VERBS: Record<string, string> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete", GET: "get", HEAD: "get" };

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split("/").filter(Boolean);
  const nonResource = (): NonResourceRequest => ({ isResourceRequest: false, verb: (METHOD_VERBS[method] ?? method.toLowerCase()).replace("create", "post").replace("update", "put"), path });
  let rest: string[];
  let group = "";
  let version: string;
  if (parts[0] === "api" && parts.length >= 3) {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return nonResource();
  }
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  let watchPath = false;
  if (rest[0] === "watch") {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace = "";
  // /namespaces/{ns}/{resource}... unless it is the namespaces resource itself (/namespaces/{name}[/status]).
  if (rest[0] === "namespaces" && rest.length >= 3 && registry.byResource(group, version, rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = "", name = "", subresource = "", ...extra] = rest;
  const kind = registry.byResource(group, version, resource);
  if (extra.length && !(kind?.subresources?.proxied ?? []).includes(subresource)) {
    return { isResourceRequest: true, verb, group, version, namespace, resource, name, subresource: `${subresource}/${extra.join("/")}`, kind, allNamespaces: false };
  }
  if (verb === "get" && !name) verb = query.get("watch") === "true" || query.get("watch") === "1" || watchPath ? "watch" : "list";
  else if (verb === "get" && (watchPath || query.get("watch") === "true" || query.get("watch") === "1")) verb = "watch";
  if (verb === "delete" && !name) verb = "deletecollection";
  // A namespaced resource asked for without a namespace is a cluster-wide list/watch.
  const allNamespaces = !!kind?.namespaced && namespace === "" && !name;
  // As in Kubernetes, a Namespace object's own "namespace" (for authorization) is its name.
  if (kind && !kind.namespaced) namespace = group === "" && resource === "namespaces" ? name : "";
  const fieldSelector = verb === "list" || verb === "watch" ? (query.get("fieldSelector") ?? undefined) : undefined;
  return { isResourceRequest: true, verb, group, version, namespace, resource, name, subresource, kind, allNamespaces, fieldSelector };
}

/**
 * Path and query of a request's URL ("/api/v1/pods?limit=500"). Request.url
 * is already serialized by the URL parser, so this equals url.pathname +
 * url.search without parsing the URL again on every request.
 */
export function requestUri(url: string): string {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path < 0 ? "/" : url.slice(path);
}
