/** apps/v1 StatefulSet: ordered pods with stable names and their own claims. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, num, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import { selectorRules } from "./selector-rules.js";
import type { KindDef, KObject } from "../../types.js";

const spec = (o: KObject) => (o.spec ?? {}) as Record<string, unknown> & { replicas?: number };

export const statefulSet: KindDef = {
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  singular: "statefulset",
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  schemaName: "io.k8s.api.apps.v1.StatefulSet",
  schema: definitions["io.k8s.api.apps.v1.StatefulSet"],
  columns: [
    nameColumn,
    { name: "Ready", type: "string", description: "Number of the pod with ready state", cell: (o) => `${num((o.status as { readyReplicas?: number } | undefined)?.readyReplicas)}/${num(spec(o).replicas)}` },
    ageColumn,
    ...workloadWideColumns("spec.template.spec", false),
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.replicas ??= 1;
      s.podManagementPolicy ??= "OrderedReady";
      s.revisionHistoryLimit ??= 10;
      const u = (s.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { partition?: number } };
      u.type ??= "RollingUpdate";
      if (u.type === "RollingUpdate") {
        u.rollingUpdate ??= {};
        u.rollingUpdate.partition ??= 0;
      }
      s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: "Retain", whenScaled: "Retain" };
      for (const t of (s.volumeClaimTemplates as { apiVersion?: string; kind?: string; spec?: { volumeMode?: string } }[] | undefined) ?? []) {
        t.apiVersion ??= "v1";
        t.kind ??= "PersistentVolumeClaim";
        if (t.spec) t.spec.volumeMode ??= "Filesystem";
      }
      defaultPodTemplate(s.template as { spec?: Record<string, unknown> });
    },
    ...selectorRules,
  },
  subresources: { status: true, scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "status.selector" } },
};
