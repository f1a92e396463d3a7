/** apps/v1 Deployment: declarative rollouts over ReplicaSets. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, num, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import { selectorRules, validateSelector } from "./selector-rules.js";
import { validateRollingUpdate } from "./rolling-update.js";
import { fieldErrors } from "../../../apimachinery/status.js";
import type { KindDef, KObject } from "../../types.js";

type RU = { maxUnavailable?: number | string; maxSurge?: number | string };

type Status = { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
const st = (o: KObject) => (o.status ?? {}) as Status;
const spec = (o: KObject) => (o.spec ?? {}) as Record<string, unknown> & { replicas?: number };

export const deployment: KindDef = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  singular: "deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  schemaName: "io.k8s.api.apps.v1.Deployment",
  schema: definitions["io.k8s.api.apps.v1.Deployment"],
  columns: [
    nameColumn,
    { name: "Ready", type: "string", description: "Number of the pod with ready state", cell: (o) => `${num(st(o).readyReplicas)}/${num(spec(o).replicas)}` },
    { name: "Up-to-date", type: "integer", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", cell: (o) => num(st(o).updatedReplicas) },
    { name: "Available", type: "integer", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", cell: (o) => num(st(o).availableReplicas) },
    ageColumn,
    ...workloadWideColumns(),
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.replicas ??= 1;
      const strategy = (s.strategy ??= {}) as { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
      strategy.type ??= "RollingUpdate";
      if (strategy.type === "RollingUpdate") {
        strategy.rollingUpdate ??= {};
        strategy.rollingUpdate.maxSurge ??= "25%";
        strategy.rollingUpdate.maxUnavailable ??= "25%";
      }
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      defaultPodTemplate(s.template as { spec?: Record<string, unknown> });
    },
    validate(o) {
      const strategy = (o.spec as { strategy?: { type?: string; rollingUpdate?: RU } } | undefined)?.strategy;
      // ValidateDeploymentStrategy: Recreate takes no rolling-update parameters.
      if (strategy?.type === "Recreate" && strategy.rollingUpdate) return [...validateSelector(o), fieldErrors.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")];
      return [...validateSelector(o), ...validateRollingUpdate("spec.strategy.rollingUpdate", strategy?.rollingUpdate)];
    },
    validateUpdate: selectorRules.validateUpdate,
  },
  subresources: { status: true, scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas", labelSelectorPath: "status.selector" } },
};
