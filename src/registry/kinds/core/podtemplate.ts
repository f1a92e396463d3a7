/** core/v1 PodTemplate: a stored pod template (some tools and charts keep templates as objects). */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import type { KindDef } from "../../types.js";

export const podTemplate: KindDef = {
  group: "",
  version: "v1",
  kind: "PodTemplate",
  plural: "podtemplates",
  singular: "podtemplate",
  namespaced: true,
  schemaName: "io.k8s.api.core.v1.PodTemplate",
  schema: definitions["io.k8s.api.core.v1.PodTemplate"],
  // kubectl's columns for pod templates: NAME CONTAINERS IMAGES POD LABELS.
  columns: [
    nameColumn,
    ...workloadWideColumns("template.spec", false).map((c) => ({ ...c, priority: 0 as const })),
    { name: "Pod Labels", type: "string", description: "Pod labels.", cell: (o) => Object.entries((o.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",") },
  ],
  strategy: {
    defaults(o) {
      if (o.template) defaultPodTemplate(o.template as { spec?: Record<string, unknown> });
    },
  },
};
