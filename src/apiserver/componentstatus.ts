/**
 * ComponentStatus objects computed on read: the store (etcd's role) is
 * healthy when the cluster store answers; the scheduler and the controller
 * manager report the time of their last run into the cluster store, and are
 * healthy when that is recent.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import { clusterStore } from "../store/object-store.js";

/** Components that have not reported within this window are unhealthy. */
export const HEARTBEAT_WINDOW_MS = 3 * 60 * 1000;

function cs(name: string, healthy: boolean, message: string, error?: string): KObject {
  return {
    kind: "ComponentStatus",
    apiVersion: "v1",
    metadata: { name },
    conditions: [{ type: "Healthy", status: healthy ? "True" : "False", message, ...(error ? { error } : {}) }],
  };
}

export async function componentStatuses(env: Env): Promise<KObject[]> {
  const out: KObject[] = [];
  let beats: Record<string, number> = {};
  try {
    const started = Date.now();
    beats = await clusterStore(env).heartbeats();
    out.push(cs("etcd-0", true, `ok (store answered in ${Date.now() - started} ms)`));
  } catch (e) {
    out.push(cs("etcd-0", false, "", `store unreachable: ${(e as Error).message}`));
  }
  const now = Date.now();
  for (const [name, key] of [
    ["scheduler", "scheduler"],
    ["controller-manager", "controller-manager"],
  ] as const) {
    const t = beats[key];
    if (t === undefined) out.push(cs(name, false, "", `${name} has never run`));
    else if (now - t > HEARTBEAT_WINDOW_MS) out.push(cs(name, false, "", `${name} last ran ${Math.round((now - t) / 1000)}s ago`));
    else out.push(cs(name, true, "ok"));
  }
  return out;
}
