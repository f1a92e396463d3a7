/** core/v1 Service: a stable virtual IP and ports in front of the pods its selector picks. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { fnv32a } from "../../../apimachinery/hash.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Port = { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number };
type Spec = {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  ports?: Port[];
  selector?: Record<string, string>;
  sessionAffinity?: string;
  externalName?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
};
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

const fnv = (s: string) => fnv32a(new TextEncoder().encode(s));

/**
 * Cluster IPs from 10.96.0.0/12, derived from namespace/name so that a write
 * touches only its own namespace's store. 10.96.0.1 is the `kubernetes`
 * service's, 10.96.0.10 the DNS service's by convention.
 */
export function allocateClusterIP(namespace: string, name: string): string {
  if (namespace === "default" && name === "kubernetes") return "10.96.0.1";
  const n = 16 + (fnv(`${namespace}/${name}`) % ((1 << 20) - 32));
  return `10.${96 + (n >>> 16)}.${(n >>> 8) & 255}.${n & 255}`;
}

export function allocateNodePort(namespace: string, name: string, port: number): number {
  return 30000 + (fnv(`${namespace}/${name}/${port}`) % 2768);
}

export const service: KindDef = {
  group: "",
  version: "v1",
  kind: "Service",
  plural: "services",
  singular: "service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  nameFormat: "dns-label",
  schemaName: "io.k8s.api.core.v1.Service",
  schema: definitions["io.k8s.api.core.v1.Service"],
  columns: [
    nameColumn,
    { name: "Type", type: "string", description: "The type of the service.", cell: (o) => spec(o).type ?? "ClusterIP" },
    { name: "Cluster-IP", type: "string", description: "The cluster IP of the service.", cell: (o) => spec(o).clusterIP || "<none>" },
    {
      name: "External-IP",
      type: "string",
      description: "The external IP of the service.",
      cell: (o) => {
        const s = spec(o);
        if (s.type === "ExternalName") return s.externalName ?? "<none>";
        const lb = ((o.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } })?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? "");
        const ips = [...(s.externalIPs ?? []), ...lb];
        if (ips.length) return ips.join(",");
        return s.type === "LoadBalancer" ? "<pending>" : "<none>";
      },
    },
    {
      name: "Port(s)",
      type: "string",
      description: "The ports of the service.",
      cell: (o) => (spec(o).ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",") || "<none>",
    },
    ageColumn,
    {
      name: "Selector",
      type: "string",
      priority: 1,
      description: "The selector of the service.",
      cell: (o) => Object.entries(spec(o).selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "<none>",
    },
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.type ??= "ClusterIP";
      s.sessionAffinity ??= "None";
      for (const p of s.ports ?? []) {
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
      }
      if (s.type !== "ExternalName") {
        s.internalTrafficPolicy ??= "Cluster";
        s.ipFamilies ??= ["IPv4"];
        s.ipFamilyPolicy ??= "SingleStack";
      }
      if ((s.type === "NodePort" || s.type === "LoadBalancer") && !s.externalTrafficPolicy) s.externalTrafficPolicy = "Cluster";
    },
    prepareForCreate(o) {
      const s = spec(o);
      if (s.type !== "ExternalName" && !s.clusterIP) {
        s.clusterIP = allocateClusterIP(o.metadata.namespace ?? "", o.metadata.name ?? "");
        s.clusterIPs = [s.clusterIP];
      } else if (s.clusterIP && !s.clusterIPs) s.clusterIPs = [s.clusterIP];
      if (s.type === "NodePort" || s.type === "LoadBalancer") {
        for (const p of s.ports ?? []) p.nodePort ??= allocateNodePort(o.metadata.namespace ?? "", o.metadata.name ?? "", p.port);
      }
      o.status = { loadBalancer: {} };
    },
    prepareForUpdate(o, old) {
      const s = spec(o);
      const os = spec(old);
      if (!s.clusterIP && os.clusterIP && s.type !== "ExternalName") {
        s.clusterIP = os.clusterIP;
        s.clusterIPs = os.clusterIPs;
      }
      if (s.type === "NodePort" || s.type === "LoadBalancer") {
        for (const p of s.ports ?? []) {
          p.nodePort ??= os.ports?.find((q) => q.port === p.port)?.nodePort ?? allocateNodePort(o.metadata.namespace ?? "", o.metadata.name ?? "", p.port);
        }
      }
    },
    validate(o) {
      const s = spec(o);
      const errs: FieldError[] = [];
      const types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
      if (s.type && !types.includes(s.type)) errs.push(fieldErrors.notSupported("spec.type", s.type, types));
      if (s.type !== "ExternalName" && !(s.ports ?? []).length && s.clusterIP !== "None") errs.push(fieldErrors.required("spec.ports"));
      (s.ports ?? []).forEach((p, i) => {
        if (!(p.port >= 1 && p.port <= 65535)) errs.push(fieldErrors.invalid(`spec.ports[${i}].port`, p.port, "must be between 1 and 65535, inclusive"));
        if ((s.ports ?? []).length > 1 && !p.name) errs.push(fieldErrors.required(`spec.ports[${i}].name`));
      });
      if (s.sessionAffinity && !["None", "ClientIP"].includes(s.sessionAffinity)) errs.push(fieldErrors.notSupported("spec.sessionAffinity", s.sessionAffinity, ["ClientIP", "None"]));
      return errs;
    },
    validateUpdate(o, old) {
      const a = spec(o);
      const b = spec(old);
      if (b.clusterIP && a.clusterIP !== b.clusterIP && a.type !== "ExternalName" && b.type !== "ExternalName") {
        return [fieldErrors.invalid("spec.clusterIPs[0]", a.clusterIP, "may not change once set")];
      }
      return [];
    },
  },
  subresources: { status: true, proxied: ["proxy"] },
};
