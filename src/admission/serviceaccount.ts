/**
 * The ServiceAccount admission plugin's mutation of new pods: every pod runs
 * as a ServiceAccount (`default` unless it names one), and unless
 * automountServiceAccountToken is false it gets the projected
 * `kube-api-access-xxxxx` volume — a bound token (refreshed by the kubelet),
 * the cluster CA (ConfigMap kube-root-ca.crt) and its namespace — mounted
 * read-only at /var/run/secrets/kubernetes.io/serviceaccount in every
 * container, which is where client libraries look for in-cluster config.
 *
 * Run by the admission chain (src/admission/chain.ts) in the namespace's store.
 */
import type { KObject } from "../registry/types.js";
import type { AdmissionPlugin } from "./types.js";
import { generateName } from "../apimachinery/validation.js";

export const SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
const VOLUME_PREFIX = "kube-api-access-";
/** 1 h + 7 s: the kubelet's tokens are refreshed well before, and the odd value marks them as kubelet-requested. */
const TOKEN_SECONDS = 3607;

type Mount = { name: string; mountPath: string; readOnly?: boolean };
type Container = { volumeMounts?: Mount[] };
type PodSpec = {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; projected?: unknown }[];
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
};

export function projectedTokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_SECONDS, path: "token" } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: "ca.crt", path: "ca.crt" }] } },
        { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
      ],
    },
  };
}

export function serviceAccountAdmission(pod: KObject, _ctx?: unknown, random: () => number = Math.random): void {
  const spec = pod.spec as PodSpec | undefined;
  if (!spec) return;
  spec.serviceAccountName ||= spec.serviceAccount || "default";
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.automountServiceAccountToken === false) return;
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  // A pod that mounts something there itself (or already has the volume) is left alone.
  if (containers.some((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
  const taken = new Set((spec.volumes ?? []).map((v) => v.name));
  let name = generateName(VOLUME_PREFIX, random);
  while (taken.has(name)) name = generateName(VOLUME_PREFIX, random);
  (spec.volumes ??= []).push(projectedTokenVolume(name) as { name: string });
  for (const c of containers) (c.volumeMounts ??= []).push({ name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
}

/** The chain's ServiceAccount plugin: new pods get their account and token volume (the mutation above). */
export const serviceAccount: AdmissionPlugin = {
  name: "ServiceAccount",
  admit(a) {
    if (a.operation === "CREATE" && a.kind.kind === "Pod" && !a.kind.group && !a.subresource) serviceAccountAdmission(a.object);
  },
};
