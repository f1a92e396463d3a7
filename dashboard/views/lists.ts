/**
 * The plain lists: pods (status, restarts, node, age, logs), Services with
 * the endpoints behind them, ConfigMaps, and the Events stream — each a
 * table over one or two watched collections.
 */
import * as api from "../api.js";
import { age, h, table } from "../dom.js";
import type { KObj } from "../informer.js";
import { K, objectPath } from "../kinds.js";
import { button, informerNote, section, yamlLink } from "./common.js";
import { inNamespace, type View } from "./types.js";

type ContainerStatus = { name: string; ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };
type Pod = KObj & { spec?: { nodeName?: string; containers?: { name: string }[] }; status?: { phase?: string; reason?: string; podIP?: string; containerStatuses?: ContainerStatus[] } };

/** The STATUS column of `kubectl get pods`: a container's waiting/terminated reason wins over the phase. */
export function podStatus(p: Pod): string {
  if (p.metadata.deletionTimestamp) return "Terminating";
  for (const c of p.status?.containerStatuses ?? []) {
    const r = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (r && !(r === "Completed" && p.status?.phase === "Succeeded")) return r;
  }
  return p.status?.reason ?? p.status?.phase ?? "Pending";
}

const statusClass = (s: string) => (s === "Running" || s === "Succeeded" || s === "Completed" ? "good" : s === "Pending" || s === "ContainerCreating" || s === "Terminating" ? "warn" : "bad");

export const pods: View = {
  title: "Pods",
  needs: [K.pods],
  render(ctx) {
    const inf = ctx.inf<Pod>(K.pods);
    const rows = inNamespace(inf.list(), ctx.namespace()).map((p) => {
      const cs = p.status?.containerStatuses ?? [];
      const total = p.spec?.containers?.length ?? cs.length;
      const status = podStatus(p);
      const path = objectPath(K.pods, p.metadata.name, p.metadata.namespace);
      return h(
        "tr",
        { "data-name": p.metadata.name, "data-namespace": p.metadata.namespace ?? "" },
        h("td", null, p.metadata.namespace ?? ""),
        h("td", null, yamlLink(path, p.metadata.name)),
        h("td", { class: "num" }, `${cs.filter((c) => c.ready).length}/${total}`),
        h("td", { class: `status ${statusClass(status)}` }, status),
        h("td", { class: "num" }, String(cs.reduce((s, c) => s + (c.restartCount ?? 0), 0))),
        h("td", null, p.spec?.nodeName ?? ""),
        h("td", null, p.status?.podIP ?? ""),
        h("td", null, age(p.metadata.creationTimestamp)),
        h(
          "td",
          { class: "actions" },
          h("a", { class: "act", href: `#/logs?ns=${encodeURIComponent(p.metadata.namespace ?? "")}&pod=${encodeURIComponent(p.metadata.name)}` }, "Logs"),
          button(
            "Delete",
            async () => {
              if (await ctx.confirm(`Delete pod ${p.metadata.name}?`)) await ctx.act(`deleted pod ${p.metadata.name}`, () => api.remove(path));
            },
            "danger",
          ),
        ),
      );
    });
    return section("Pods", informerNote(inf, "pods"), inf.synced ? table("pods", ["Namespace", "Name", "Ready", "Status", "Restarts", "Node", "IP", "Age", ""], rows) : null);
  },
};

type Service = KObj & { spec?: { type?: string; clusterIP?: string; ports?: { port: number; protocol?: string; nodePort?: number }[] } };
type Endpoints = KObj & { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { port: number }[] }[] };

export function endpointList(e: Endpoints | undefined): string {
  const out: string[] = [];
  for (const s of e?.subsets ?? []) for (const a of s.addresses ?? []) for (const p of s.ports?.length ? s.ports : [{ port: 0 }]) out.push(p.port ? `${a.ip}:${p.port}` : a.ip);
  return out.length ? out.join(", ") : "<none>";
}

export const services: View = {
  title: "Services",
  needs: [K.services, K.endpoints],
  render(ctx) {
    const inf = ctx.inf<Service>(K.services);
    const eps = ctx.inf<Endpoints>(K.endpoints);
    const rows = inNamespace(inf.list(), ctx.namespace()).map((s) =>
      h(
        "tr",
        { "data-name": s.metadata.name, "data-namespace": s.metadata.namespace ?? "" },
        h("td", null, s.metadata.namespace ?? ""),
        h("td", null, yamlLink(objectPath(K.services, s.metadata.name, s.metadata.namespace), s.metadata.name)),
        h("td", null, s.spec?.type ?? "ClusterIP"),
        h("td", null, s.spec?.clusterIP ?? ""),
        h("td", null, (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(", ")),
        h("td", { class: "endpoints" }, endpointList(eps.items.get(`${s.metadata.namespace}/${s.metadata.name}`))),
        h("td", null, age(s.metadata.creationTimestamp)),
      ),
    );
    return section("Services", informerNote(inf, "services"), informerNote(eps, "endpoints"), inf.synced ? table("services", ["Namespace", "Name", "Type", "Cluster IP", "Ports", "Endpoints", "Age"], rows) : null);
  },
};

export const config: View = {
  title: "Config",
  needs: [K.configmaps],
  render(ctx) {
    const inf = ctx.inf<KObj & { data?: Record<string, string> }>(K.configmaps);
    const rows = inNamespace(inf.list(), ctx.namespace()).map((c) =>
      h(
        "tr",
        { "data-name": c.metadata.name, "data-namespace": c.metadata.namespace ?? "" },
        h("td", null, c.metadata.namespace ?? ""),
        h("td", null, yamlLink(objectPath(K.configmaps, c.metadata.name, c.metadata.namespace), c.metadata.name)),
        h("td", null, Object.keys(c.data ?? {}).join(", ")),
        h("td", null, age(c.metadata.creationTimestamp)),
      ),
    );
    return section("ConfigMaps", informerNote(inf, "configmaps"), inf.synced ? table("configmaps", ["Namespace", "Name", "Keys", "Age"], rows) : null);
  },
};

type Event = KObj & { type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string; eventTime?: string; firstTimestamp?: string; involvedObject?: { kind?: string; name?: string } };
const when = (e: Event) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "";

export const events: View = {
  title: "Events",
  needs: [K.events],
  render(ctx) {
    const inf = ctx.inf<Event>(K.events);
    const list = inf
      .list()
      .filter((e) => !ctx.namespace() || e.metadata.namespace === ctx.namespace())
      .sort((a, b) => when(b).localeCompare(when(a)))
      .slice(0, 300);
    const rows = list.map((e) =>
      h(
        "tr",
        { class: e.type === "Warning" ? "warning" : "" },
        h("td", null, age(when(e))),
        h("td", null, e.metadata.namespace ?? ""),
        h("td", { class: e.type === "Warning" ? "bad" : "" }, e.type ?? ""),
        h("td", null, e.reason ?? ""),
        h("td", null, `${(e.involvedObject?.kind ?? "").toLowerCase()}/${e.involvedObject?.name ?? ""}`),
        h("td", { class: "msg" }, e.message ?? ""),
        h("td", { class: "num" }, String(e.count ?? 1)),
      ),
    );
    return section("Events", informerNote(inf, "events"), inf.synced ? table("events", ["Last seen", "Namespace", "Type", "Reason", "Object", "Message", "Count"], rows, "No events.") : null);
  },
};
