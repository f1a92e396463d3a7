/**
 * Pod Security admission: a namespace's labels
 * pod-security.kubernetes.io/{enforce,warn,audit} = privileged | baseline |
 * restricted choose a Pod Security Standard. Pods violating the enforced
 * level are refused (403 `violates PodSecurity "restricted:latest": ...`),
 * violations of the warn level come back as Warning headers, and workload
 * templates (Deployments, Jobs, ...) get warnings only, as in Kubernetes.
 * The checks are the ones of the standards that matter in practice; their
 * reasons and details read as the upstream library's.
 */
import type { KObject } from "../registry/types.js";
import { admissionForbidden } from "./forbidden.js";
import type { Container, PodSpec } from "./pod-resources.js";
import type { AdmissionPlugin, Attributes } from "./types.js";

export type Level = "privileged" | "baseline" | "restricted";
const LEVELS: Level[] = ["privileged", "baseline", "restricted"];
const PREFIX = "pod-security.kubernetes.io/";

interface Violation {
  id: string;
  reason: string;
  detail: string;
}
type SC = { privileged?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; runAsUser?: number; capabilities?: { add?: string[]; drop?: string[] }; seccompProfile?: { type?: string } };

const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

const quote = (xs: (string | number)[]) => xs.map((x) => (typeof x === "number" ? String(x) : JSON.stringify(x))).join(", ");
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const containersOf = (s: PodSpec): Container[] => [...(s.initContainers ?? []), ...(s.containers ?? []), ...(s.ephemeralContainers ?? [])];
const scOf = (c: Container) => (c.securityContext ?? {}) as SC;
const named = (cs: Container[]) => `${plural("container", "containers", cs.length)} ${quote(cs.map((c) => c.name))}`;
const uniq = <T>(xs: T[]) => [...new Set(xs)];

function baseline(s: PodSpec): Violation[] {
  const v: Violation[] = [];
  const cs = containersOf(s);
  const psc = (s.securityContext ?? {}) as SC;
  const caps = cs.filter((c) => (scOf(c).capabilities?.add ?? []).some((x) => !BASELINE_CAPS.has(x)));
  if (caps.length) {
    const bad = uniq(caps.flatMap((c) => (scOf(c).capabilities?.add ?? []).filter((x) => !BASELINE_CAPS.has(x))));
    v.push({ id: "capabilities_baseline", reason: "non-default capabilities", detail: `${named(caps)} must not include ${quote(bad)} in securityContext.capabilities.add` });
  }
  const ns = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => s[k] === true);
  if (ns.length) v.push({ id: "hostNamespaces", reason: "host namespaces", detail: ns.map((k) => `${k}=true`).join(", ") });
  const hostPaths = (s.volumes ?? []).filter((x) => x.hostPath !== undefined).map((x) => String(x.name));
  if (hostPaths.length) v.push({ id: "hostPathVolumes", reason: "hostPath volumes", detail: `${plural("volume", "volumes", hostPaths.length)} ${quote(hostPaths)}` });
  const hp = cs.filter((c) => (c.ports ?? []).some((p) => (p.hostPort ?? 0) !== 0));
  if (hp.length) {
    const ports = uniq(hp.flatMap((c) => (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0)));
    v.push({ id: "hostPorts", reason: "hostPort", detail: `${named(hp)} ${plural("uses", "use", hp.length)} ${plural("hostPort", "hostPorts", ports.length)} ${ports.join(", ")}` });
  }
  const priv = cs.filter((c) => scOf(c).privileged === true);
  if (priv.length) v.push({ id: "privileged", reason: "privileged", detail: `${named(priv)} must not set securityContext.privileged=true` });
  const unconfined: string[] = [];
  if (psc.seccompProfile?.type === "Unconfined") unconfined.push("pod");
  const uc = cs.filter((c) => scOf(c).seccompProfile?.type === "Unconfined");
  if (uc.length) unconfined.push(named(uc));
  if (unconfined.length) v.push({ id: "seccompProfile_baseline", reason: "seccompProfile", detail: `${unconfined.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"` });
  return v;
}

function restricted(s: PodSpec): Violation[] {
  const v: Violation[] = [];
  const cs = containersOf(s);
  const psc = (s.securityContext ?? {}) as SC;
  const ape = cs.filter((c) => scOf(c).allowPrivilegeEscalation !== false);
  if (ape.length) v.push({ id: "allowPrivilegeEscalation", reason: "allowPrivilegeEscalation != false", detail: `${named(ape)} must set securityContext.allowPrivilegeEscalation=false` });
  const noDrop = cs.filter((c) => !(scOf(c).capabilities?.drop ?? []).includes("ALL"));
  const adds = cs.filter((c) => (scOf(c).capabilities?.add ?? []).some((x) => x !== "NET_BIND_SERVICE"));
  if (noDrop.length || adds.length) {
    const parts: string[] = [];
    if (noDrop.length) parts.push(`${named(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adds.length) parts.push(`${named(adds)} must not include ${quote(uniq(adds.flatMap((c) => (scOf(c).capabilities?.add ?? []).filter((x) => x !== "NET_BIND_SERVICE"))))} in securityContext.capabilities.add`);
    v.push({ id: "capabilities_restricted", reason: "unrestricted capabilities", detail: parts.join("; ") });
  }
  const badVols = (s.volumes ?? []).map((x) => ({ name: String(x.name), type: Object.keys(x).find((k) => k !== "name") ?? "" })).filter((x) => x.type && !RESTRICTED_VOLUMES.has(x.type));
  if (badVols.length) {
    v.push({ id: "restrictedVolumes", reason: "restricted volume types", detail: `${plural("volume", "volumes", badVols.length)} ${quote(badVols.map((x) => x.name))} ${plural("uses", "use", badVols.length)} ${plural("restricted volume type", "restricted volume types", uniq(badVols.map((x) => x.type)).length)} ${quote(uniq(badVols.map((x) => x.type)))}` });
  }
  // runAsNonRoot: the pod may set it for all; a container may override either way.
  const explicitFalse = cs.filter((c) => scOf(c).runAsNonRoot === false);
  const unset = psc.runAsNonRoot === true ? [] : cs.filter((c) => scOf(c).runAsNonRoot === undefined);
  const rnr: string[] = [];
  if (psc.runAsNonRoot === false) rnr.push("pod must not set securityContext.runAsNonRoot=false");
  if (explicitFalse.length) rnr.push(`${named(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
  if (psc.runAsNonRoot !== false && unset.length) rnr.push(`pod or ${named(unset)} must set securityContext.runAsNonRoot=true`);
  if (rnr.length) v.push({ id: "runAsNonRoot", reason: "runAsNonRoot != true", detail: rnr.join("; ") });
  const root: string[] = [];
  if (psc.runAsUser === 0) root.push("pod");
  const rc = cs.filter((c) => scOf(c).runAsUser === 0);
  if (rc.length) root.push(named(rc));
  if (root.length) v.push({ id: "runAsUser", reason: "runAsUser=0", detail: `${root.join(" and ")} must not set runAsUser=0` });
  const ok = (t?: string) => t === "RuntimeDefault" || t === "Localhost";
  const podOk = ok(psc.seccompProfile?.type);
  const sp: string[] = [];
  const badType = cs.filter((c) => scOf(c).seccompProfile?.type !== undefined && !ok(scOf(c).seccompProfile?.type));
  if (psc.seccompProfile?.type !== undefined && !podOk) sp.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(psc.seccompProfile.type)}`);
  if (badType.length) sp.push(`${named(badType)} must not set securityContext.seccompProfile.type to ${quote(uniq(badType.map((c) => scOf(c).seccompProfile!.type!)))}`);
  const missing = podOk ? [] : cs.filter((c) => scOf(c).seccompProfile?.type === undefined);
  if (missing.length) sp.push(`pod or ${named(missing)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  if (sp.length) v.push({ id: "seccompProfile_restricted", reason: "seccompProfile", detail: sp.join("; ") });
  return v;
}

/** The violations of a pod spec at a level, ordered by check id as upstream reports them. */
export function evaluate(level: Level, spec: PodSpec): Violation[] {
  if (level === "privileged") return [];
  const v = baseline(spec);
  if (level === "restricted") {
    v.push(...restricted(spec));
    // Restricted's own seccomp check supersedes baseline's.
    const i = v.findIndex((x) => x.id === "seccompProfile_baseline");
    if (i >= 0 && v.some((x) => x.id === "seccompProfile_restricted")) v.splice(i, 1);
  }
  return v.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface Policy {
  level: Level;
  version: string;
}

/** The policy of one mode (enforce/warn/audit) from namespace labels; privileged when unset or invalid. */
export function policyFor(labels: Record<string, string>, mode: "enforce" | "warn" | "audit"): Policy {
  const raw = labels[`${PREFIX}${mode}`];
  const level = LEVELS.includes(raw as Level) ? (raw as Level) : "privileged";
  const version = labels[`${PREFIX}${mode}-version`] || "latest";
  return { level, version };
}

export const describe = (p: Policy, v: Violation[]) => `PodSecurity "${p.level}:${p.version}": ${v.map((x) => `${x.reason} (${x.detail})`).join(", ")}`;

/** The pod spec a write carries: a pod's, or a workload's template. */
function specOf(a: Attributes): { spec: PodSpec; isPod: boolean } | undefined {
  const o = a.object as KObject & { spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } };
  if (a.resource === "pods") return { spec: (o.spec ?? {}) as PodSpec, isPod: true };
  const t = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
  return t ? { spec: t, isPod: false } : undefined;
}

function specChanged(a: Attributes): boolean {
  if (a.operation === "CREATE") return true;
  if (a.operation !== "UPDATE" || !a.oldObject) return false;
  return JSON.stringify(a.object.spec) !== JSON.stringify(a.oldObject.spec);
}

export const podSecurity: AdmissionPlugin = {
  name: "PodSecurity",
  validate(a, ctx) {
    if (a.subresource || !a.kind.namespaced || !specChanged(a)) return;
    const target = specOf(a);
    if (!target) return;
    const labels = ctx.namespaceLabels();
    if (!Object.keys(labels).some((k) => k.startsWith(PREFIX))) return;
    const enforce = policyFor(labels, "enforce");
    if (target.isPod && enforce.level !== "privileged") {
      const v = evaluate(enforce.level, target.spec);
      if (v.length) throw admissionForbidden(a, `violates ${describe(enforce, v)}`);
    }
    const warn = policyFor(labels, "warn");
    // Workload templates are checked against both the enforce and warn levels, as warnings.
    const levels = target.isPod ? [warn] : [enforce, warn];
    const seen = new Set<string>();
    for (const p of levels) {
      if (p.level === "privileged" || seen.has(p.level)) continue;
      seen.add(p.level);
      const v = evaluate(p.level, target.spec);
      if (v.length) ctx.warn(`would violate ${describe(p, v)}`);
    }
  },
};
