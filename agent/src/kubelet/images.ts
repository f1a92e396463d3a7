/**
 * Image pulls as the kubelet does them: imagePullPolicy (Always, IfNotPresent,
 * Never) and credentials from the pod's imagePullSecrets
 * (kubernetes.io/dockerconfigjson or dockercfg) matched to the image's
 * registry. Errors carry the reasons kubectl shows: ErrImagePull,
 * ErrImageNeverPull.
 */
import type { Pod, Secret } from "kubernetes-types/core/v1";
import type { ImageAuth } from "../runtime/types.js";
import { defaultImagePullPolicy } from "../../../src/registry/defaults/pod-spec.js";

export class ImageError extends Error {
  constructor(
    readonly reason: "ErrImagePull" | "ErrImageNeverPull" | "InvalidImageName",
    message: string,
  ) {
    super(message);
  }
}

/** The registry host of an image reference (Docker Hub for bare names). */
export function registryOf(image: string): string {
  const first = image.split("/")[0];
  if (image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return first;
  return "docker.io";
}

const HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"]);

/** Credentials of the pull secrets that match the image's registry, most specific first. */
export function authsFor(image: string, secrets: Secret[]): ImageAuth[] {
  const reg = registryOf(image);
  const out: ImageAuth[] = [];
  for (const s of secrets) {
    const raw = s.data?.[".dockerconfigjson"] ?? s.data?.[".dockercfg"];
    if (!raw) continue;
    let cfg: Record<string, unknown>;
    try {
      cfg = JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as Record<string, unknown>;
    } catch {
      continue;
    }
    const auths = (cfg.auths ?? cfg) as Record<string, { auth?: string; username?: string; password?: string }>;
    for (const [server, a] of Object.entries(auths)) {
      const host = server.replace(/^https?:\/\//, "").split("/")[0];
      if (host === reg || (HUB.has(reg) && (HUB.has(host) || HUB.has(server)))) {
        let { username, password } = a;
        if (!username && a.auth) [username, password] = Buffer.from(a.auth, "base64").toString("utf8").split(/:(.*)/s);
        out.push({ username, password, serveraddress: server });
      }
    }
  }
  return out;
}

export function pullPolicy(c: { image?: string; imagePullPolicy?: string }): string {
  return c.imagePullPolicy ?? defaultImagePullPolicy(c.image);
}

export const pullSecretNames = (pod: Pod) => (pod.spec?.imagePullSecrets ?? []).map((s) => s.name ?? "").filter(Boolean);
