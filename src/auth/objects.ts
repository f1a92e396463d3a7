/**
 * The authenticators' reads of cluster state (token Secrets, ServiceAccounts,
 * Pods), straight from the namespace's store, with a small per-isolate cache
 * of short TTL: authentication runs on every request, and one store call per
 * token per few seconds keeps it cheap while deletions still take effect
 * within that window.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import { namespaceStore } from "../store/object-store.js";
import { TtlCache } from "./ttl-cache.js";

/** Who the apiserver itself writes as (the signing key, published ConfigMaps). */
export const APISERVER_USER: RequestUser = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };

/** One namespaced object, or undefined when it does not exist. */
export async function getObject(env: Env, resource: string, namespace: string, name: string): Promise<KObject | undefined> {
  const r = await namespaceStore(env, namespace).get(resource, namespace, name);
  if (r.code === 404) return undefined;
  if (r.code !== 200) throw new Error(`reading ${resource} ${namespace}/${name}: ${r.code} ${r.body}`);
  return JSON.parse(r.body) as KObject;
}

const cache = new TtlCache<Promise<KObject | undefined>>(5_000);

/** getObject through the cache (a failed read is not cached). */
export function cachedObject(env: Env, resource: string, namespace: string, name: string): Promise<KObject | undefined> {
  return cache.getOrLoad(`${resource}/${namespace}/${name}`, () => getObject(env, resource, namespace, name));
}

/** Create a namespaced object as the apiserver; resolves with the stored object, or undefined if it already exists. */
export async function createObject(env: Env, resource: string, namespace: string, obj: KObject): Promise<KObject | undefined> {
  const r = await namespaceStore(env, namespace).write({ verb: "create", resource, namespace, user: APISERVER_USER, body: JSON.stringify(obj), contentType: "application/json", options: { fieldValidation: "Strict", fieldManager: "kube-apiserver" } });
  if (r.code === 409) return undefined;
  if (r.code >= 300) throw new Error(`creating ${resource} ${namespace}/${obj.metadata.name}: ${r.code} ${r.body}`);
  return JSON.parse(r.body) as KObject;
}
