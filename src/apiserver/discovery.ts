/**
 * API discovery, generated from the kind registry: the legacy documents
 * (/api, /apis, /api/v1, /apis/{group}/{version}) and the aggregated form
 * (apidiscovery.k8s.io/v2 and v2beta1) that kubectl asks for first, which
 * saves it one request per group version.
 */
import { groupVersions, registry, type GroupVersion } from "../registry/index.js";
import { ALL_VERBS, type KindDef } from "../registry/types.js";

const verbsOf = (k: KindDef) => (k.verbs ?? ALL_VERBS).slice().sort();

type Sub = { name: string; kind: string; group?: string; version?: string; verbs: string[] };

function subresourcesOf(k: KindDef): Sub[] {
  const subs: Sub[] = [];
  const s = k.subresources ?? {};
  if (s.status) subs.push({ name: "status", kind: k.kind, verbs: ["get", "patch", "update"] });
  for (const name of Object.keys(s.fields ?? {})) subs.push({ name, kind: k.kind, verbs: ["get", "patch", "update"] });
  if (s.scale) subs.push({ name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] });
  for (const [name, a] of Object.entries(s.actions ?? {})) subs.push({ name, kind: a.kind, group: a.group, version: a.version, verbs: ["create"] });
  for (const name of s.proxied ?? []) subs.push({ name, kind: name === "log" ? k.kind : name === "exec" || name === "attach" ? "PodExecOptions" : name === "portforward" ? "PodPortForwardOptions" : `${k.kind}ProxyOptions`, verbs: name === "log" ? ["get"] : ["create", "get"] });
  if (k.kind === "Namespace") subs.push({ name: "finalize", kind: "Namespace", verbs: ["update"] });
  return subs;
}

export function apiVersions(serverAddress: string) {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

export function apiGroupList() {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions()) {
    if (!gv.group) continue;
    if (!groups.has(gv.group)) groups.set(gv.group, []);
    groups.get(gv.group)!.push(gv.version);
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => apiGroup(name, versions)),
  };
}

function apiGroup(name: string, versions: string[]) {
  return {
    name,
    versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

export function apiGroup1(name: string) {
  const versions = groupVersions().filter((g) => g.group === name).map((g) => g.version);
  return versions.length ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(name, versions) } : undefined;
}

export function apiResourceList(group: string, version: string) {
  const gv = registry.groupVersion(group, version);
  if (!gv) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const k of gv.kinds) {
    resources.push({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: verbsOf(k),
      ...(k.shortNames ? { shortNames: k.shortNames } : {}),
      ...(k.categories ? { categories: k.categories } : {}),
    });
    for (const s of subresourcesOf(k)) {
      resources.push({ name: `${k.plural}/${s.name}`, singularName: "", namespaced: k.namespaced, ...(s.group !== undefined ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group ? `${group}/${version}` : version, resources };
}

/** apidiscovery.k8s.io APIGroupDiscoveryList for /api (core) or /apis (all named groups). */
export function aggregatedDiscovery(core: boolean, apiVersion: string) {
  const byGroup = new Map<string, GroupVersion[]>();
  for (const gv of groupVersions()) {
    if ((gv.group === "") !== core) continue;
    if (!byGroup.has(gv.group)) byGroup.set(gv.group, []);
    byGroup.get(gv.group)!.push(gv);
  }
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion,
    metadata: {},
    items: [...byGroup].map(([group, gvs]) => ({
      metadata: group ? { name: group } : {},
      versions: gvs.map((gv) => ({
        version: gv.version,
        freshness: "Current",
        resources: gv.kinds.map((k) => ({
          resource: k.plural,
          responseKind: { group: k.group, version: k.version, kind: k.kind },
          scope: k.namespaced ? "Namespaced" : "Cluster",
          singularResource: k.singular,
          verbs: verbsOf(k),
          ...(k.shortNames ? { shortNames: k.shortNames } : {}),
          ...(k.categories ? { categories: k.categories } : {}),
          subresources: subresourcesOf(k).map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? k.group, version: s.version ?? k.version, kind: s.kind },
            verbs: s.verbs,
          })),
        })),
      })),
    })),
  };
}
