/**
 * The root-ca-cert-publisher: every active namespace has a ConfigMap
 * `kube-root-ca.crt` whose ca.crt is the cluster CA (the CLUSTER_CA_PEM
 * binding), so pods' projected kube-api-access volumes can verify the API
 * server. Recreated when deleted, rewritten when changed. Without the
 * binding (a deployment behind a public certificate) ca.crt is empty and
 * clients fall back to their system roots.
 */
import { deepEqual } from "../../apimachinery/objects.js";
import { isAlreadyExists } from "../common/errors.js";
import type { Controller } from "../types.js";
import { isActiveNamespace } from "../common/namespaces.js";

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export function rootCaController(caPem = ""): Controller {
  const data = { "ca.crt": caPem };
  return {
    name: "root-ca-cert-publisher",
    primary: "configmaps",
    watches: [{ resource: "namespaces", map: (ns) => [{ namespace: ns.metadata.name ?? "", name: ROOT_CA_CONFIGMAP }] }],
    async reconcile(key, ctx) {
      if (key.name !== ROOT_CA_CONFIGMAP) return;
      if (!isActiveNamespace(ctx.lister, key.namespace)) return;
      const cm = ctx.lister.get("configmaps", key.namespace, key.name);
      if (!cm) {
        try {
          await ctx.client.create("configmaps", { metadata: { name: key.name, namespace: key.namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
        return;
      }
      if (cm.metadata.deletionTimestamp || (deepEqual(cm.data, data) && !cm.binaryData)) return;
      await ctx.client.update("configmaps", { ...cm, data, binaryData: undefined });
    },
  };
}
