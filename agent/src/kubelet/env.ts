/**
 * A container's environment as the kubelet builds it: service links of the
 * namespace first, then envFrom, then env (value, $(VAR) expansion, and
 * valueFrom configMapKeyRef / secretKeyRef / fieldRef / resourceFieldRef).
 * Missing non-optional references are a CreateContainerConfigError, the
 * reason kubectl users see.
 */
import type { Container, Pod, Service, ConfigMap, Secret } from "kubernetes-types/core/v1";
import { parseQuantity, toMilli, toValue } from "../../../src/apimachinery/quantity.js";

export class ConfigError extends Error {}

/** Read access the kubelet has to objects the pod references (cached per sync). */
export interface Refs {
  configMap(ns: string, name: string): Promise<ConfigMap | undefined>;
  secret(ns: string, name: string): Promise<Secret | undefined>;
  services(ns: string): Promise<Service[]>;
}

/** Kubernetes' $(VAR) expansion: defined names are replaced, $$ escapes, unknown references stay as written. */
export function expand(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === "$$" ? "$" : name !== undefined && name in vars ? vars[name] : m));
}

/** Docker-link-style variables for every Service of the namespace (enableServiceLinks). */
export function serviceLinkEnv(services: Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === "None" || !s.metadata?.name) continue;
    const n = s.metadata.name.toUpperCase().replace(/-/g, "_");
    const ports = s.spec?.ports ?? [];
    if (!ports.length) continue;
    env[`${n}_SERVICE_HOST`] = ip;
    env[`${n}_SERVICE_PORT`] = String(ports[0].port);
    for (const p of ports) if (p.name) env[`${n}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(p.port);
    const proto = (ports[0].protocol ?? "TCP").toLowerCase();
    env[`${n}_PORT`] = `${proto}://${ip}:${ports[0].port}`;
    for (const p of ports) {
      const pr = (p.protocol ?? "TCP").toLowerCase();
      const base = `${n}_PORT_${p.port}_${pr.toUpperCase()}`;
      env[base] = `${pr}://${ip}:${p.port}`;
      env[`${base}_PROTO`] = pr;
      env[`${base}_PORT`] = String(p.port);
      env[`${base}_ADDR`] = ip;
    }
  }
  return env;
}

const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

/** metadata.labels['k'] style paths of the downward API. */
export function fieldRef(pod: Pod, path: string, hostIP: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (pod.metadata?.[m[1] as "labels" | "annotations"] ?? {})[m[2]] ?? "";
  const fmt = (o: Record<string, string> | undefined) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n");
  switch (path) {
    case "metadata.name":
      return pod.metadata?.name ?? "";
    case "metadata.namespace":
      return pod.metadata?.namespace ?? "";
    case "metadata.uid":
      return pod.metadata?.uid ?? "";
    case "metadata.labels":
      return fmt(pod.metadata?.labels);
    case "metadata.annotations":
      return fmt(pod.metadata?.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "default";
    case "status.podIP":
      return pod.status?.podIP ?? "";
    case "status.podIPs":
      return (pod.status?.podIPs ?? []).map((p) => p.ip).join(",");
    case "status.hostIP":
    case "status.hostIPs":
      return pod.status?.hostIP ?? hostIP;
    default:
      throw new ConfigError(`unsupported fieldRef path ${path}`);
  }
}

/** limits.cpu / requests.memory ... with the divisor, rounded up as Kubernetes does (cpu defaults to the node's when unset). */
export function resourceFieldRef(c: Container, resource: string, divisor: string | number | undefined, nodeCpus: number, nodeMemory: number): string {
  const [kind, name] = resource.split(".") as ["limits" | "requests", string];
  const raw = c.resources?.[kind]?.[name];
  const value = raw !== undefined ? parseQuantity(String(raw)) : kind === "limits" ? parseQuantity(name === "cpu" ? String(nodeCpus) : String(nodeMemory)) : parseQuantity("0");
  const d = parseQuantity(String(divisor ?? 1));
  if (name === "cpu") {
    const m = toMilli(value);
    const dm = toMilli(d) || 1n;
    return String((m + dm - 1n) / dm);
  }
  const v = toValue(value);
  const dv = toValue(d) || 1n;
  return String((v + dv - 1n) / dv);
}

export async function containerEnv(pod: Pod, c: Container, refs: Refs, host: { ip: string; cpus: number; memory: number }): Promise<Record<string, string>> {
  const ns = pod.metadata?.namespace ?? "default";
  const env: Record<string, string> = {};
  if (pod.spec?.enableServiceLinks !== false) Object.assign(env, serviceLinkEnv(await refs.services(ns)));
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = await refs.configMap(ns, from.configMapRef.name ?? "");
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = v;
    }
    if (from.secretRef) {
      const s = await refs.secret(ns, from.secretRef.name ?? "");
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[prefix + k] = b64(v);
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = expand(e.value ?? "", env);
    } else if (vf.configMapKeyRef) {
      const r = vf.configMapKeyRef;
      const cm = await refs.configMap(ns, r.name ?? "");
      const v = cm?.data?.[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        throw new ConfigError(cm ? `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` : `configmap "${r.name}" not found`);
      }
      env[e.name] = v;
    } else if (vf.secretKeyRef) {
      const r = vf.secretKeyRef;
      const s = await refs.secret(ns, r.name ?? "");
      const v = s?.data?.[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        throw new ConfigError(s ? `couldn't find key ${r.key} in Secret ${ns}/${r.name}` : `secret "${r.name}" not found`);
      }
      env[e.name] = b64(v);
    } else if (vf.fieldRef) {
      env[e.name] = fieldRef(pod, vf.fieldRef.fieldPath, host.ip);
    } else if (vf.resourceFieldRef) {
      const target = vf.resourceFieldRef.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === vf.resourceFieldRef!.containerName) : c;
      env[e.name] = resourceFieldRef(target ?? c, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor, host.cpus, host.memory);
    }
  }
  return env;
}
