/** apps/v1 ReplicaSet: keeps N pods of one template running. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, num, replicasColumns, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import { selectorRules } from "./selector-rules.js";
import type { KindDef, KObject } from "../../types.js";

type Status = { replicas?: number; readyReplicas?: number };
const st = (o: KObject) => (o.status ?? {}) as Status;
const spec = (o: KObject) => (o.spec ?? {}) as Record<string, unknown> & { replicas?: number };

export const replicaSet: KindDef = {
  group: "apps",
  version: "v1",
  kind: "ReplicaSet",
  plural: "replicasets",
  singular: "replicaset",
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  schemaName: "io.k8s.api.apps.v1.ReplicaSet",
  schema: definitions["io.k8s.api.apps.v1.ReplicaSet"],
  fieldSelectors: { "status.replicas": (o) => String(num(st(o).replicas)) },
  columns: [
    nameColumn,
    ...replicasColumns,
    ageColumn,
    ...workloadWideColumns(),
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.replicas ??= 1;
      defaultPodTemplate(s.template as { spec?: Record<string, unknown> });
    },
    ...selectorRules,
  },
  subresources: { status: true, scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "status.selector" } },
};
