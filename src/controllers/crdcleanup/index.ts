/**
 * The CRD finalizer (apiextensions-apiserver's finalizing controller): a
 * CustomResourceDefinition being deleted first deletes every custom resource
 * it declares, in every namespace, and gives up its cleanup finalizer only
 * when none is left, so the CRD goes last and a CRD created again with the
 * same name starts empty. Its Terminating condition says how far it got.
 */
import type { CustomResourceDefinitionCondition } from "kubernetes-types/apiextensions/v1";
import { addCustomResourceDefinition } from "../../registry/index.js";
import { CRD_RESOURCE, crdResourceKey, crdSpec } from "../../registry/crd/kind.js";
import { CRD_CLEANUP_FINALIZER } from "../../registry/kinds/apiextensions/customresourcedefinition.js";
import { rfc3339 } from "../common/time.js";
import type { Controller } from "../types.js";

const RETRY_MS = 1000;

export const crdCleanupController: Controller = {
  name: "crd-finalizer",
  component: "apiextensions-controller",
  primary: CRD_RESOURCE,
  watches: [{ resource: "namespaces", map: () => [] }],
  async reconcile(key, ctx) {
    const crd = ctx.lister.get(CRD_RESOURCE, "", key.name);
    if (!crd?.metadata.deletionTimestamp || !crd.metadata.finalizers?.includes(CRD_CLEANUP_FINALIZER)) return;
    // The client must know the kind to address its stores.
    addCustomResourceDefinition(crd);
    const resource = crdResourceKey(crd);
    const namespaces = crdSpec(crd).scope === "Cluster" ? [""] : ctx.lister.list("namespaces").map((n) => n.metadata.name ?? "");
    let left = 0;
    for (const ns of namespaces) left += await ctx.client.deleteCollection(resource, ns);
    const conditions = ((crd.status as { conditions?: CustomResourceDefinitionCondition[] } | undefined)?.conditions ?? []).filter((c) => c.type !== "Terminating");
    if (left > 0) {
      const message = `${left} custom resource(s) of ${resource} still being deleted`;
      const status = { ...(crd.status as object), conditions: [...conditions, { type: "Terminating", status: "True", reason: "InstanceDeletionInProgress", message, lastTransitionTime: rfc3339(ctx.now()) }] };
      await ctx.client.updateStatus(CRD_RESOURCE, { ...crd, status }).catch(() => undefined);
      return { requeueAfterMs: RETRY_MS };
    }
    const finalizers = crd.metadata.finalizers.filter((f) => f !== CRD_CLEANUP_FINALIZER);
    await ctx.client.update(CRD_RESOURCE, { ...crd, metadata: { ...crd.metadata, finalizers } });
  },
};
