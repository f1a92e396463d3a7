/**
 * NamespaceLifecycle: nothing new may be created in a namespace that is
 * being terminated, and nothing written into one that does not exist. The
 * store learns the phase from the cluster store (asynchronously, before the
 * transaction); this plugin only decides.
 */
import { errors } from "../apimachinery/status.js";
import type { AdmissionPlugin } from "./types.js";

export const namespaceLifecycle: AdmissionPlugin = {
  name: "NamespaceLifecycle",
  validate(a, ctx) {
    if (!a.kind.namespaced || a.operation === "DELETE") return;
    const phase = ctx.namespacePhase();
    if (phase === "Absent") throw errors.notFound({ group: "", resource: "namespaces" }, a.namespace);
    if (phase === "Terminating" && a.operation === "CREATE") {
      throw errors.forbidden(`${a.kind.plural} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`, { group: a.kind.group, resource: a.kind.plural }, a.name);
    }
  },
};
