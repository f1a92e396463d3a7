/**
 * Every control loop the controller manager runs. Adding a controller: write
 * it as a Controller (types.ts) in its own folder and list it here.
 */
import type { Env } from "../env.js";
import type { Controller, Resource } from "./types.js";
import type { Loop } from "./runtime/manager.js";
import { replicaSetController } from "./replicaset/index.js";
import { deploymentController } from "./deployment/index.js";

export function controllers(): Controller[] {
  return [replicaSetController, deploymentController];
}

export function loops(_env: Env): Loop[] {
  return [];
}

/** Resources the stores push to the controller manager. */
export function watchedResources(): Resource[] {
  const set = new Set<Resource>(["namespaces"]);
  for (const c of controllers()) {
    set.add(c.primary);
    for (const w of c.watches ?? []) set.add(w.resource);
  }
  for (const l of loops({} as Env)) for (const r of l.resources) set.add(r);
  return [...set];
}
