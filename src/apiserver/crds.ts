/**
 * The apiserver's view of the CustomResourceDefinitions: before a request
 * that may concern a custom resource (its group is not built in, discovery,
 * OpenAPI), the isolate asks the cluster store whether the CRDs changed
 * since it last looked (one small call; the list only when they did), so a
 * CRD is served by every isolate as soon as its write returns.
 */
import type { Env } from "../env.js";
import { clusterStore } from "../store/object-store.js";
import { registry, setCustomResourceDefinitions } from "../registry/index.js";
import { SharedCopy } from "../store/shared-copy.js";
import { CRD_RESOURCE } from "../registry/crd/kind.js";

/** Asked on every such request (no TTL): a CRD's kind is served as soon as its write returns. */
const crds = new SharedCopy(CRD_RESOURCE, 0);

export async function syncCustomResources(env: Env): Promise<void> {
  if (await crds.refresh(() => clusterStore(env))) setCustomResourceDefinitions(crds.items);
}

/** Whether a request path may name custom kinds: named groups that are not built in, the group list, OpenAPI. */
export function mayNameCustomKinds(path: string): boolean {
  if (path === "/apis" || path === "/apis/" || path.startsWith("/openapi/")) return true;
  if (!path.startsWith("/apis/")) return false;
  const end = path.indexOf("/", 6);
  return !registry.isBuiltinGroup(path.slice(6, end < 0 ? undefined : end));
}
