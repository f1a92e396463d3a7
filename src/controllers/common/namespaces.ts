/**
 * Whether a namespace takes new objects: it exists, is Active and is not
 * being deleted (NamespaceLifecycle would refuse a create there anyway).
 * Controllers that keep one object in every namespace check it first.
 */
import type { Lister } from "../types.js";

export function isActiveNamespace(lister: Lister, name: string): boolean {
  const ns = lister.get("namespaces", "", name);
  return !!ns && !ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase === "Active";
}
