/**
 * API Priority and Fairness' configuration controllers (kube-apiserver runs
 * them; here they run with the other loops): the mandatory and suggested
 * objects are maintained (maintenance.ts), and each FlowSchema's Dangling
 * condition says whether the PriorityLevelConfiguration it names exists,
 * which `kubectl get flowschemas` shows as MISSINGPL. A new, renamed or
 * deleted priority level re-checks the schemas naming it.
 */
import type { KObject } from "../../registry/types.js";
import { rfc3339 } from "../common/time.js";
import type { Controller } from "../types.js";
import { MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS } from "../../registry/kinds/flowcontrol/bootstrap.js";
import { maintain } from "./maintenance.js";

export const FLOW_SCHEMAS = "flowschemas.flowcontrol.apiserver.k8s.io";
export const PRIORITY_LEVELS = "prioritylevelconfigurations.flowcontrol.apiserver.k8s.io";

type Condition = { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string };
const levelOf = (fs: KObject) => (fs.spec as { priorityLevelConfiguration?: { name?: string } } | undefined)?.priorityLevelConfiguration?.name ?? "";

export const flowSchemaController: Controller = {
  name: "priority-and-fairness-config",
  primary: FLOW_SCHEMAS,
  watches: [
    {
      resource: PRIORITY_LEVELS,
      map: (pl, lister) => lister.list(FLOW_SCHEMAS).filter((fs) => levelOf(fs) === pl.metadata.name).map((fs) => ({ namespace: "", name: fs.metadata.name ?? "" })),
    },
  ],
  async reconcile(key, ctx) {
    await maintain(FLOW_SCHEMAS, MANDATORY_FLOW_SCHEMAS, SUGGESTED_FLOW_SCHEMAS, key, ctx);
    const fs = ctx.lister.get(FLOW_SCHEMAS, "", key.name);
    if (!fs || fs.metadata.deletionTimestamp) return;
    const level = levelOf(fs);
    const found = !!ctx.lister.get(PRIORITY_LEVELS, "", level);
    const want: Condition = found
      ? { type: "Dangling", status: "False", reason: "Found", message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" and it exists` }
      : { type: "Dangling", status: "True", reason: "NotFound", message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" but there is no such object` };
    const conditions = ((fs.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
    const cur = conditions.find((c) => c.type === "Dangling");
    if (cur && cur.status === want.status && cur.reason === want.reason && cur.message === want.message) return;
    const next = { ...want, lastTransitionTime: cur?.status === want.status && cur?.lastTransitionTime ? cur.lastTransitionTime : rfc3339(ctx.now()) };
    await ctx.client.updateStatus(FLOW_SCHEMAS, { ...fs, status: { ...(fs.status ?? {}), conditions: [...conditions.filter((c) => c.type !== "Dangling"), next] } });
  },
};

/** The priority levels' half of maintenance. */
export const priorityLevelController: Controller = {
  name: "priority-and-fairness-levels",
  primary: PRIORITY_LEVELS,
  reconcile: (key, ctx) => maintain(PRIORITY_LEVELS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_PRIORITY_LEVELS, key, ctx),
};
