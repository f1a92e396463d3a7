/** apps/v1 DaemonSet: one pod on every matching node. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, num, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import { selectorRules, validateSelector } from "./selector-rules.js";
import { validateRollingUpdate } from "./rolling-update.js";
import type { KindDef, KObject } from "../../types.js";

type RU = { maxUnavailable?: number | string; maxSurge?: number | string };

type Status = { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number };
const st = (o: KObject) => (o.status ?? {}) as Status;

export const daemonSet: KindDef = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  plural: "daemonsets",
  singular: "daemonset",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  schemaName: "io.k8s.api.apps.v1.DaemonSet",
  schema: definitions["io.k8s.api.apps.v1.DaemonSet"],
  columns: [
    nameColumn,
    { name: "Desired", type: "integer", description: "The number of nodes that should be running the daemon pod.", cell: (o) => num(st(o).desiredNumberScheduled) },
    { name: "Current", type: "integer", description: "The number of nodes running at least one daemon pod.", cell: (o) => num(st(o).currentNumberScheduled) },
    { name: "Ready", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more running and ready.", cell: (o) => num(st(o).numberReady) },
    { name: "Up-to-date", type: "integer", description: "The total number of nodes that are running updated daemon pod.", cell: (o) => num(st(o).updatedNumberScheduled) },
    { name: "Available", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more available.", cell: (o) => num(st(o).numberAvailable) },
    {
      name: "Node Selector",
      type: "string",
      description: "The node selector of the daemon pods.",
      cell: (o) => Object.entries(((o.spec as { template?: { spec?: { nodeSelector?: Record<string, string> } } })?.template?.spec?.nodeSelector) ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "<none>",
    },
    ageColumn,
    ...workloadWideColumns(),
  ],
  strategy: {
    defaults(o) {
      const s = (o.spec ?? {}) as Record<string, unknown>;
      o.spec = s;
      const u = (s.updateStrategy ??= {}) as { type?: string; rollingUpdate?: { maxUnavailable?: unknown; maxSurge?: unknown } };
      u.type ??= "RollingUpdate";
      if (u.type === "RollingUpdate") {
        u.rollingUpdate ??= {};
        u.rollingUpdate.maxUnavailable ??= 1;
        u.rollingUpdate.maxSurge ??= 0;
      }
      s.revisionHistoryLimit ??= 10;
      defaultPodTemplate(s.template as { spec?: Record<string, unknown> });
    },
    validate: (o) => [...validateSelector(o), ...validateRollingUpdate("spec.updateStrategy.rollingUpdate", (o.spec as { updateStrategy?: { rollingUpdate?: RU } } | undefined)?.updateStrategy?.rollingUpdate)],
    validateUpdate: selectorRules.validateUpdate,
  },
  subresources: { status: true },
};
