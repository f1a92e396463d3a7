/**
 * "Apply YAML": a manifest pasted into the page is applied like
 * `kubectl apply --server-side -f`. The page does not parse YAML; it reads
 * just the header fields that locate the object (apiVersion, kind,
 * metadata.name/namespace) from the top-level block lines, finds the
 * collection through discovery, and sends the text as an apply patch.
 */
import * as api from "../api.js";
import { manifestHead } from "../manifest.js";

/** Apply a manifest; defaultNamespace is used when it names none (like kubectl's current namespace). */
export async function applyManifest(text: string, defaultNamespace: string): Promise<string> {
  const head = manifestHead(text);
  const r = await api.resourceFor(head.apiVersion, head.kind);
  const ns = r.namespaced ? (head.namespace ?? defaultNamespace) : undefined;
  const path = `${r.prefix}${ns ? `/namespaces/${encodeURIComponent(ns)}` : ""}/${r.plural}/${encodeURIComponent(head.name)}`;
  await api.apply(path, text);
  return `${r.plural}/${head.name}${ns ? ` in ${ns}` : ""} applied`;
}
