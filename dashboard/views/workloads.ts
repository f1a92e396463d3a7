/**
 * Deployments, StatefulSets, DaemonSets and Jobs with ready/desired and
 * rollout progress, and the actions a person reaches for: scale, rollout
 * restart (the restartedAt template annotation, as kubectl does), delete.
 * Each action is one API call with the signed-in token; a refusal shows
 * the server's message.
 */
import * as api from "../api.js";
import { age, bar, h, table } from "../dom.js";
import type { KObj } from "../informer.js";
import { K, objectPath, type KindRef } from "../kinds.js";
import { button, informerNote, section, yamlLink } from "./common.js";
import { inNamespace, type View, type ViewCtx } from "./types.js";

type Workload = KObj & { spec?: Record<string, unknown> & { replicas?: number; completions?: number; parallelism?: number }; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason?: string; message?: string }[] } };

interface Progress {
  ready: number;
  desired: number;
  updated: number;
  state: string;
}

const n = (v: unknown) => (typeof v === "number" ? v : 0);

/** Ready/desired and a one-word rollout state per kind, as `kubectl get` and `rollout status` see them. */
export function progress(kind: KindRef, o: Workload): Progress {
  const s = o.status ?? {};
  const spec = o.spec ?? {};
  if (kind === K.jobs) {
    const desired = spec.completions ?? 1;
    const done = s.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    return { ready: n(s.succeeded), desired, updated: n(s.succeeded), state: done ? done.type : n(s.active) ? `Running (${n(s.active)} active)` : "Pending" };
  }
  if (kind === K.daemonsets) {
    const desired = n(s.desiredNumberScheduled);
    const updated = n(s.updatedNumberScheduled);
    return { ready: n(s.numberReady), desired, updated, state: updated < desired ? "Rolling out" : n(s.numberReady) < desired ? "Progressing" : "Available" };
  }
  const desired = spec.replicas ?? 1;
  const ready = n(s.readyReplicas);
  const updated = n(s.updatedReplicas);
  const generationSeen = n(s.observedGeneration) >= n((o.metadata as { generation?: number }).generation);
  const stuck = s.conditions?.find((c) => c.type === "Progressing" && c.status === "False");
  const state = stuck ? `Stalled: ${stuck.reason ?? ""}` : !generationSeen || updated < desired || n(s.replicas) > desired ? "Rolling out" : ready < desired ? "Progressing" : "Available";
  return { ready, desired, updated, state };
}

function actions(ctx: ViewCtx, kind: KindRef, o: Workload): HTMLElement {
  const path = objectPath(kind, o.metadata.name, o.metadata.namespace);
  const label = `${kind.plural}/${o.metadata.name}`;
  const scalable = kind === K.deployments || kind === K.statefulsets;
  const restartable = kind !== K.jobs;
  return h(
    "td",
    { class: "actions" },
    scalable &&
      button("Scale", async () => {
        const r = await ctx.askNumber(`Scale ${label} to`, o.spec?.replicas ?? 1);
        if (r !== undefined) await ctx.act(`scaled ${label} to ${r}`, () => api.scale(path, r));
      }),
    restartable && button("Restart", () => void ctx.act(`restarted ${label}`, () => api.restart(path))),
    button(
      "Delete",
      async () => {
        if (await ctx.confirm(`Delete ${label} in ${o.metadata.namespace}?`)) await ctx.act(`deleted ${label}`, () => api.remove(path));
      },
      "danger",
    ),
  );
}

function workloadTable(ctx: ViewCtx, title: string, kind: KindRef): HTMLElement {
  const inf = ctx.inf<Workload>(kind);
  const rows = inNamespace(inf.list(), ctx.namespace()).map((o) => {
    const p = progress(kind, o);
    return h(
      "tr",
      { "data-name": o.metadata.name, "data-namespace": o.metadata.namespace ?? "" },
      h("td", null, o.metadata.namespace ?? ""),
      h("td", null, yamlLink(objectPath(kind, o.metadata.name, o.metadata.namespace), o.metadata.name)),
      h("td", { class: "num ready" }, `${p.ready}/${p.desired}`),
      h("td", { class: "barcell" }, bar(p.desired ? p.updated / p.desired : 1, `${p.updated}/${p.desired} updated`, "progress")),
      h("td", { class: p.state === "Available" || p.state === "Complete" ? "good" : p.state.startsWith("Stalled") || p.state === "Failed" ? "bad" : "warn" }, p.state),
      h("td", null, age(o.metadata.creationTimestamp)),
      actions(ctx, kind, o),
    );
  });
  return section(title, informerNote(inf, kind.plural), inf.synced ? table(kind.plural, ["Namespace", "Name", "Ready", "Rollout", "State", "Age", ""], rows) : null);
}

export const workloads: View = {
  title: "Workloads",
  needs: [K.deployments, K.statefulsets, K.daemonsets, K.jobs],
  render: (ctx) =>
    h(
      "div",
      null,
      workloadTable(ctx, "Deployments", K.deployments),
      workloadTable(ctx, "StatefulSets", K.statefulsets),
      workloadTable(ctx, "DaemonSets", K.daemonsets),
      workloadTable(ctx, "Jobs", K.jobs),
    ),
};
