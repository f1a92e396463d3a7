/** batch/v1 CronJob: Jobs on a schedule. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageOf } from "../../../apimachinery/age.js";
import { ageColumn, nameColumn, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import type { KindDef, KObject } from "../../types.js";

type Spec = { schedule?: string; timeZone?: string; suspend?: boolean; concurrencyPolicy?: string; successfulJobsHistoryLimit?: number; failedJobsHistoryLimit?: number; jobTemplate?: { spec?: { template?: { spec?: Record<string, unknown> } } } };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

export const cronJob: KindDef = {
  group: "batch",
  version: "v1",
  kind: "CronJob",
  plural: "cronjobs",
  singular: "cronjob",
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  schemaName: "io.k8s.api.batch.v1.CronJob",
  schema: definitions["io.k8s.api.batch.v1.CronJob"],
  columns: [
    nameColumn,
    { name: "Schedule", type: "string", description: "The schedule in Cron format.", cell: (o) => spec(o).schedule ?? "" },
    { name: "Timezone", type: "string", description: "The time zone of the schedule.", cell: (o) => spec(o).timeZone ?? "<none>" },
    { name: "Suspend", type: "boolean", description: "Whether to suspend subsequent executions.", cell: (o) => !!spec(o).suspend },
    { name: "Active", type: "integer", description: "Number of running jobs.", cell: (o) => ((o.status as { active?: unknown[] } | undefined)?.active ?? []).length },
    {
      name: "Last Schedule",
      type: "string",
      description: "When the job was last scheduled.",
      cell: (o, now) => {
        const t = (o.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime;
        return t ? ageOf(t, now) : "<none>";
      },
    },
    ageColumn,
    ...workloadWideColumns("spec.jobTemplate.spec.template.spec").map((c) =>
      c.name === "Selector" ? { ...c, cell: (o: KObject) => c.cell({ ...o, spec: (spec(o).jobTemplate?.spec ?? {}) as Record<string, unknown> }, 0) } : c,
    ),
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.concurrencyPolicy ??= "Allow";
      s.suspend ??= false;
      s.successfulJobsHistoryLimit ??= 3;
      s.failedJobsHistoryLimit ??= 1;
      defaultPodTemplate(s.jobTemplate?.spec?.template);
    },
  },
  subresources: { status: true },
};
