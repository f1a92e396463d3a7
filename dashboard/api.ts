/**
 * The page's only door to the cluster: every call carries the signed-in
 * bearer token and goes through the API server's normal pipeline
 * (authentication, authorization, admission), exactly like kubectl's. The
 * token lives in sessionStorage: it survives a reload, not the tab.
 */
import { ApiError, errorFrom } from "./status.js";

const TOKEN_KEY = "edgeplane.token";
export const FIELD_MANAGER = "edgeplane-dashboard";

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string): void => sessionStorage.setItem(TOKEN_KEY, t),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * fetch, retried when the request never got a response (a network error, e.g.
 * Chromium's ERR_NETWORK_CHANGED when interfaces come and go). Every write the
 * page makes is idempotent (merge patches, apply, delete), so a retry is safe.
 */
async function fetchRetrying(path: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(path, init);
    } catch (e) {
      if (init.signal?.aborted || attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 150 * 2 ** attempt));
    }
  }
}

/** fetch with the token; a 401 signs the page out. Does not throw on other HTTP errors. */
export async function raw(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const t = token.get();
  if (t) headers.set("authorization", `Bearer ${t}`);
  if (!headers.has("accept")) headers.set("accept", "application/json");
  const res = await fetchRetrying(path, { ...init, headers, cache: "no-store" });
  if (res.status === 401) onUnauthorized();
  return res;
}

/** A call that must succeed: the parsed JSON, or an ApiError carrying the server's Status message. */
export async function call<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await raw(path, init);
  if (!res.ok) throw await errorFrom(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const jsonBody = (method: string, contentType: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": contentType },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** kubectl scale: the scale subresource. */
export const scale = (objectPath: string, replicas: number) =>
  call(`${objectPath}/scale`, jsonBody("PATCH", "application/merge-patch+json", { spec: { replicas } }));

/** kubectl rollout restart: a new template annotation makes the controller roll every pod. */
export const restart = (objectPath: string) =>
  call(objectPath, jsonBody("PATCH", "application/merge-patch+json", { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } } } } }));

/** kubectl delete (background propagation, as kubectl's default). */
export const remove = (objectPath: string) => call(objectPath, jsonBody("DELETE", "application/json", { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }));

/** kubectl apply --server-side --force-conflicts: the server parses the YAML and merges by field ownership. */
export const apply = (objectPath: string, yaml: string) =>
  call(`${objectPath}?fieldManager=${FIELD_MANAGER}&force=true`, jsonBody("PATCH", "application/apply-patch+yaml", yaml));

type ResourceList = { resources: { name: string; kind: string; namespaced: boolean }[] };
const discovery = new Map<string, Promise<ResourceList>>();

/** The collection URL for an apiVersion and kind, from the server's discovery (cached). */
export async function resourceFor(apiVersion: string, kind: string): Promise<{ prefix: string; plural: string; namespaced: boolean }> {
  const prefix = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let p = discovery.get(prefix);
  if (!p) {
    p = call<ResourceList>(prefix);
    discovery.set(prefix, p);
    p.catch(() => discovery.delete(prefix));
  }
  const r = (await p).resources.find((x) => x.kind === kind && !x.name.includes("/"));
  if (!r) throw new ApiError(404, "NotFound", `the server doesn't have a resource type for kind "${kind}" in ${apiVersion}`);
  return { prefix, plural: r.name, namespaced: r.namespaced };
}
