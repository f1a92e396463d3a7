/**
 * Re-encrypt everything sealed at rest with the current first key, store by
 * store (the cluster store, then every namespace's). After prepending a new
 * key to ENCRYPTION_KEYS, run this (POST /edgeplane/v1/encryption/rotate, or
 * wait for the cron resync, which does the same) before dropping the old key.
 */
import type { Env } from "../env.js";
import { clusterStore, namespaceStore } from "../store/object-store.js";

export async function reencryptAll(env: Env): Promise<{ stores: number; rewritten: number }> {
  const cluster = clusterStore(env);
  let rewritten = await cluster.reencrypt();
  const { names } = await cluster.namespaceNames();
  for (const ns of names) rewritten += await namespaceStore(env, ns).reencrypt();
  return { stores: names.length + 1, rewritten };
}
