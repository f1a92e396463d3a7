/**
 * Defaults of a PodSpec, as Kubernetes' SetDefaults_PodSpec / _Container set
 * them: shared by Pods and every workload's pod template so `kubectl get -o
 * yaml` and `kubectl diff` show what users see on a real cluster.
 */
type Probe = { timeoutSeconds?: number; periodSeconds?: number; successThreshold?: number; failureThreshold?: number; httpGet?: { scheme?: string; path?: string } };
type Port = { protocol?: string };
type Container = {
  image?: string;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  ports?: Port[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  env?: { valueFrom?: { fieldRef?: { apiVersion?: string } } }[];
};
type Volume = { secret?: { defaultMode?: number }; configMap?: { defaultMode?: number }; emptyDir?: object; hostPath?: { type?: string }; projected?: { defaultMode?: number }; downwardAPI?: { defaultMode?: number } };

function defaultProbe(p: Probe | undefined, liveness: boolean) {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.scheme ??= "HTTP";
    p.httpGet.path ??= "/";
  }
  void liveness;
}

export function defaultImagePullPolicy(image: string | undefined): string {
  if (!image) return "IfNotPresent";
  const ref = image.split("@")[0];
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  if (image.includes("@")) return "IfNotPresent";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(c: Container) {
  c.imagePullPolicy ??= defaultImagePullPolicy(c.image);
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  for (const p of c.ports ?? []) p.protocol ??= "TCP";
  defaultProbe(c.livenessProbe, true);
  defaultProbe(c.readinessProbe, false);
  defaultProbe(c.startupProbe, false);
  // Requests default to limits when only limits are given.
  if (c.resources?.limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v;
  }
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= "v1";
}

export function defaultPodSpec(spec: Record<string, unknown> | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName !== undefined) spec.serviceAccount ??= spec.serviceAccountName;
  for (const c of (spec.containers as Container[] | undefined) ?? []) defaultContainer(c);
  for (const c of (spec.initContainers as Container[] | undefined) ?? []) defaultContainer(c);
  for (const c of (spec.ephemeralContainers as Container[] | undefined) ?? []) defaultContainer(c);
  for (const v of (spec.volumes as Volume[] | undefined) ?? []) {
    if (v.secret) v.secret.defaultMode ??= 0o644;
    if (v.configMap) v.configMap.defaultMode ??= 0o644;
    if (v.projected) v.projected.defaultMode ??= 0o644;
    if (v.downwardAPI) v.downwardAPI.defaultMode ??= 0o644;
    if (v.hostPath) v.hostPath.type ??= "";
  }
}

/** Pod templates of workloads are defaulted the same way. */
export function defaultPodTemplate(template: { spec?: Record<string, unknown> } | undefined): void {
  defaultPodSpec(template?.spec);
}
