/**
 * A pod's volumes on this host, as the kubelet's volume manager lays them out
 * under <data>/pods/<uid>/volumes/<plugin>/<name>: emptyDir directories (or
 * a tmpfs runtime volume for medium Memory), hostPath, configMap, secret,
 * downwardAPI and projected files (with a service-account token when the API
 * issues one), and persistentVolumeClaims bound to hostPath/local PVs. The
 * files are rewritten when their source changes, as the kubelet's periodic
 * sync does; containers then see the new content.
 */
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync, rmSync, chmodSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Pod, Volume, VolumeMount, KeyToPath, ConfigMap, Secret, PersistentVolumeClaim, PersistentVolume } from "kubernetes-types/core/v1";
import type { Mount } from "../runtime/types.js";
import { ConfigError, fieldRef, type Refs } from "./env.js";

export interface VolumeRefs extends Refs {
  pvc(ns: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  pv(name: string): Promise<PersistentVolume | undefined>;
  /** A bound service-account token (TokenRequest), or undefined when the API has none to give. */
  token?(ns: string, sa: string, audience: string | undefined, seconds: number, pod: Pod): Promise<string | undefined>;
}

/** Where each volume lives: a host path to bind, or a runtime volume name. */
export type VolumeSources = Map<string, { hostPath?: string; volume?: string; readOnly: boolean }>;

export const podDir = (dataDir: string, uid: string) => join(dataDir, "pods", uid);
export const memoryVolumeName = (uid: string, name: string) => `edgeplane-${uid}-${name}`;

function writeIfChanged(path: string, data: Buffer | string, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  if (!existsSync(path) || !readFileSync(path).equals(buf)) writeFileSync(path, buf);
  if (mode !== undefined) chmodSync(path, mode);
}

/** Guard against item paths escaping the volume ("../x", absolute). */
function safeJoin(dir: string, rel: string): string {
  const p = normalize(rel);
  if (p.startsWith("..") || p.startsWith("/")) throw new ConfigError(`invalid volume item path ${JSON.stringify(rel)}`);
  return join(dir, p);
}

/** Write key → content files (all keys, or just `items`), removing keys that are gone. */
function writeKeys(dir: string, data: Record<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number | undefined, what: string, optional: boolean): void {
  mkdirSync(dir, { recursive: true });
  const wanted = new Map<string, { data: Buffer; mode?: number }>();
  if (items?.length) {
    for (const it of items) {
      if (!(it.key in data)) {
        if (optional) continue;
        throw new ConfigError(`${what}: no key ${it.key}`);
      }
      wanted.set(it.path, { data: data[it.key], mode: it.mode ?? defaultMode });
    }
  } else for (const [k, v] of Object.entries(data)) wanted.set(k, { data: v, mode: defaultMode });
  const manifest = join(dir, "..edgeplane-files");
  const before: string[] = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as string[]) : [];
  for (const old of before) if (!wanted.has(old)) rmSync(safeJoin(dir, old), { force: true });
  for (const [path, f] of wanted) writeIfChanged(safeJoin(dir, path), f.data, f.mode);
  writeFileSync(manifest, JSON.stringify([...wanted.keys()]));
}

const cmData = (cm: ConfigMap): Record<string, Buffer> => ({
  ...Object.fromEntries(Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")])),
});
const secretData = (s: Secret): Record<string, Buffer> => ({
  ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")])),
  ...Object.fromEntries(Object.entries(s.stringData ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
});

/** A projected source's files: every key, or just the listed items under their paths (missing keys skipped). */
function pick(all: Record<string, Buffer>, items: KeyToPath[] | undefined): Record<string, Buffer> {
  if (!items?.length) return all;
  return Object.fromEntries(items.filter((it) => it.key in all).map((it) => [it.path, all[it.key]]));
}

/** Prepare (or refresh) every volume of the pod; returns where each one is. Throws ConfigError for what blocks the pod. */
export async function setupVolumes(pod: Pod, dataDir: string, refs: VolumeRefs, hostIP: string): Promise<VolumeSources> {
  const uid = pod.metadata!.uid!;
  const ns = pod.metadata?.namespace ?? "default";
  const base = join(podDir(dataDir, uid), "volumes");
  const out: VolumeSources = new Map();
  for (const v of pod.spec?.volumes ?? []) out.set(v.name, await setupVolume(v));
  return out;

  async function setupVolume(v: Volume): Promise<{ hostPath?: string; volume?: string; readOnly: boolean }> {
    const dir = (plugin: string) => join(base, plugin, v.name);
    if (v.emptyDir) {
      if (v.emptyDir.medium === "Memory") return { volume: memoryVolumeName(uid, v.name), readOnly: false };
      mkdirSync(dir("empty-dir"), { recursive: true, mode: 0o777 });
      chmodSync(dir("empty-dir"), 0o777);
      return { hostPath: dir("empty-dir"), readOnly: false };
    }
    if (v.hostPath) {
      const p = v.hostPath.path;
      const type = v.hostPath.type ?? "";
      if (type === "DirectoryOrCreate") mkdirSync(p, { recursive: true });
      else if (type === "FileOrCreate" && !existsSync(p)) writeIfChanged(p, "");
      else if (type === "Directory" && !(existsSync(p) && statSync(p).isDirectory())) throw new ConfigError(`hostPath type check failed: ${p} is not a directory`);
      else if (type === "File" && !(existsSync(p) && statSync(p).isFile())) throw new ConfigError(`hostPath type check failed: ${p} is not a file`);
      return { hostPath: p, readOnly: false };
    }
    if (v.configMap) {
      const cm = await refs.configMap(ns, v.configMap.name ?? "");
      if (!cm && !v.configMap.optional) throw new ConfigError(`configmap "${v.configMap.name}" not found`);
      writeKeys(dir("configmap"), cm ? cmData(cm) : {}, v.configMap.items, v.configMap.defaultMode, `configmap ${v.configMap.name}`, !!v.configMap.optional);
      return { hostPath: dir("configmap"), readOnly: true };
    }
    if (v.secret) {
      const s = await refs.secret(ns, v.secret.secretName ?? "");
      if (!s && !v.secret.optional) throw new ConfigError(`secret "${v.secret.secretName}" not found`);
      writeKeys(dir("secret"), s ? secretData(s) : {}, v.secret.items, v.secret.defaultMode, `secret ${v.secret.secretName}`, !!v.secret.optional);
      return { hostPath: dir("secret"), readOnly: true };
    }
    if (v.downwardAPI) {
      const data: Record<string, Buffer> = {};
      for (const it of v.downwardAPI.items ?? []) if (it.fieldRef) data[it.path] = Buffer.from(fieldRef(pod, it.fieldRef.fieldPath, hostIP));
      writeKeys(dir("downward-api"), data, undefined, v.downwardAPI.defaultMode, "downwardAPI", false);
      return { hostPath: dir("downward-api"), readOnly: true };
    }
    if (v.projected) {
      const data: Record<string, Buffer> = {};
      for (const src of v.projected.sources ?? []) {
        if (src.configMap) {
          const cm = await refs.configMap(ns, src.configMap.name ?? "");
          if (!cm && !src.configMap.optional) throw new ConfigError(`configmap "${src.configMap.name}" not found`);
          Object.assign(data, pick(cm ? cmData(cm) : {}, src.configMap.items));
        } else if (src.secret) {
          const s = await refs.secret(ns, src.secret.name ?? "");
          if (!s && !src.secret.optional) throw new ConfigError(`secret "${src.secret.name}" not found`);
          Object.assign(data, pick(s ? secretData(s) : {}, src.secret.items));
        } else if (src.downwardAPI) {
          for (const it of src.downwardAPI.items ?? []) if (it.fieldRef) data[it.path] = Buffer.from(fieldRef(pod, it.fieldRef.fieldPath, hostIP));
        } else if (src.serviceAccountToken) {
          const t = await refs.token?.(ns, pod.spec?.serviceAccountName ?? "default", src.serviceAccountToken.audience, src.serviceAccountToken.expirationSeconds ?? 3600, pod);
          if (t !== undefined) data[src.serviceAccountToken.path] = Buffer.from(t);
        }
      }
      writeKeys(dir("projected"), data, undefined, v.projected.defaultMode, "projected", false);
      return { hostPath: dir("projected"), readOnly: true };
    }
    if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim.claimName;
      const pvc = await refs.pvc(ns, claim);
      if (!pvc) throw new ConfigError(`persistentvolumeclaim "${claim}" not found`);
      if (!pvc.spec?.volumeName || pvc.status?.phase !== "Bound") throw new ConfigError(`persistentvolumeclaim "${claim}" is not bound`);
      const pv = await refs.pv(pvc.spec.volumeName);
      const path = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
      if (!path) throw new ConfigError(`persistentvolume "${pvc.spec.volumeName}" is not a hostPath or local volume, which is all this node can mount`);
      mkdirSync(path, { recursive: true });
      return { hostPath: path, readOnly: !!v.persistentVolumeClaim.readOnly };
    }
    throw new ConfigError(`volume "${v.name}": this node supports emptyDir, hostPath, configMap, secret, downwardAPI, projected and persistentVolumeClaim volumes`);
  }
}

/** The runtime mounts of one container from its volumeMounts. */
export function containerMounts(mounts: VolumeMount[] | undefined, sources: VolumeSources): Mount[] {
  const out: Mount[] = [];
  for (const m of mounts ?? []) {
    const src = sources.get(m.name);
    if (!src) throw new ConfigError(`volumeMount "${m.name}" names no volume of the pod`);
    const readOnly = src.readOnly || !!m.readOnly;
    if (src.volume) {
      out.push({ volume: src.volume, containerPath: m.mountPath, readOnly });
      continue;
    }
    let hostPath = src.hostPath!;
    if (m.subPath) {
      hostPath = safeJoin(hostPath, m.subPath);
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
    }
    out.push({ hostPath, containerPath: m.mountPath, readOnly });
  }
  return out;
}

/** Remove a pod's directory once its containers are gone (hostPath and PV data are never touched). */
export function cleanupPodDir(dataDir: string, uid: string): void {
  rmSync(podDir(dataDir, uid), { recursive: true, force: true });
}
