/** batch/v1 Job: run pods to completion. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { humanDuration } from "../../../apimachinery/age.js";
import { ageColumn, nameColumn, num, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import { validateSelector, selectorRules } from "../apps/selector-rules.js";
import { validateFailureRules } from "./job-failure-rules.js";
import { MAX_INT32 } from "../../../schemas/dsl.js";
import type { JobSpec } from "kubernetes-types/batch/v1";
import type { KindDef, KObject } from "../../types.js";

type Spec = {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  manualSelector?: boolean;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  backoffLimitPerIndex?: number;
  podFailurePolicy?: JobSpec["podFailurePolicy"];
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> & { restartPolicy?: string } };
};
type Status = { succeeded?: number; startTime?: string; completionTime?: string; conditions?: { type: string; status: string }[] };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const st = (o: KObject) => (o.status ?? {}) as Status;

export function jobStatus(o: KObject): string {
  const conds = st(o).conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === "True");
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (has("FailureTarget")) return "FailureTarget";
  if (has("Suspended")) return "Suspended";
  return "Running";
}

export const job: KindDef = {
  group: "batch",
  version: "v1",
  kind: "Job",
  plural: "jobs",
  singular: "job",
  namespaced: true,
  categories: ["all"],
  schemaName: "io.k8s.api.batch.v1.Job",
  schema: definitions["io.k8s.api.batch.v1.Job"],
  fieldSelectors: { "status.successful": (o) => String(num(st(o).succeeded)) },
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "Status of the job.", cell: jobStatus },
    {
      name: "Completions",
      type: "string",
      description: "The completion status of the job.",
      cell: (o) => (spec(o).completions !== undefined ? `${num(st(o).succeeded)}/${spec(o).completions}` : `${num(st(o).succeeded)}/1 of ${spec(o).parallelism ?? 1}`),
    },
    {
      name: "Duration",
      type: "string",
      description: "Time required to complete the job.",
      cell: (o, now) => {
        const start = st(o).startTime;
        if (!start) return "";
        const end = st(o).completionTime ? Date.parse(st(o).completionTime as string) : now;
        return humanDuration(end - Date.parse(start));
      },
    },
    ageColumn,
    ...workloadWideColumns(),
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.parallelism ??= 1;
      s.completions ??= s.parallelism === 1 || s.completions === undefined ? 1 : s.completions;
      // Unlimited (math.MaxInt32) when each index has a limit of its own.
      s.backoffLimit ??= s.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
      s.completionMode ??= "NonIndexed";
      s.suspend ??= false;
      s.manualSelector ??= undefined;
      s.podReplacementPolicy ??= s.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
      for (const rule of s.podFailurePolicy?.rules ?? []) for (const p of rule.onPodConditions ?? []) p.status ??= "True";
      defaultPodTemplate(s.template as { spec?: Record<string, unknown> });
    },
    prepareForCreate(o) {
      const s = spec(o);
      if (!s.manualSelector) {
        const uid = o.metadata.uid ?? "";
        const name = o.metadata.name ?? "";
        const labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name };
        s.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
        s.template ??= {};
        s.template.metadata ??= {};
        s.template.metadata.labels = { ...s.template.metadata.labels, ...labels };
      }
    },
    validate(o): FieldError[] {
      const errs = validateSelector(o);
      const rp = spec(o).template?.spec?.restartPolicy;
      if (rp !== "Never" && rp !== "OnFailure") errs.push(fieldErrors.notSupported("spec.template.spec.restartPolicy", rp, ["OnFailure", "Never"]));
      else errs.push(...validateFailureRules(spec(o) as JobSpec));
      return errs;
    },
    validateUpdate: selectorRules.validateUpdate,
  },
  subresources: { status: true },
};
