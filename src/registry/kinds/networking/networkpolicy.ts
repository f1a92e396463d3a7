/** networking.k8s.io/v1 NetworkPolicy: stored and served for manifests that carry one; nothing enforces it (no CNI). */
import { definitions } from "../../../schemas/generated/index.js";
import { formatLabelSelector } from "../../../apimachinery/selectors/labels.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

type Spec = { podSelector?: Parameters<typeof formatLabelSelector>[0]; policyTypes?: string[]; egress?: unknown[] };

export const networkPolicy: KindDef = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "NetworkPolicy",
  plural: "networkpolicies",
  singular: "networkpolicy",
  namespaced: true,
  shortNames: ["netpol"],
  schemaName: "io.k8s.api.networking.v1.NetworkPolicy",
  schema: definitions["io.k8s.api.networking.v1.NetworkPolicy"],
  columns: [
    nameColumn,
    {
      name: "Pod-Selector",
      type: "string",
      description: "The pods the policy applies to.",
      cell: (o) => formatLabelSelector(((o.spec ?? {}) as Spec).podSelector ?? {}) || "<none>",
    },
    ageColumn,
  ],
  strategy: {
    // As SetDefaults_NetworkPolicy: Ingress always, Egress when egress rules are given.
    defaults(o) {
      const s = (o.spec ?? {}) as Spec;
      o.spec = s;
      s.podSelector ??= {};
      s.policyTypes ??= s.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
    },
  },
};
