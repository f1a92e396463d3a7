/**
 * RFC 7386 JSON Merge Patch (application/merge-patch+json): objects merge
 * recursively, null deletes, anything else (lists included) replaces. This is
 * what the apiserver applies for merge patches, for custom resources' patches,
 * and what `kubectl scale` sends to /scale.
 *
 * It is the RFC on any JSON value; the request handler is the one to insist
 * the result is an object (Kubernetes answers a non-object with 400 or 422).
 */
import { clone, isObject, type JsonObject } from "./json.js";

/** Apply `patch` to a copy of `doc`; the inputs are not modified. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return merge(clone(doc), patch);
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}
