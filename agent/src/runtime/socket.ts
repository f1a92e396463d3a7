/**
 * Where the container engine listens, found the way Docker's own tools do:
 * DOCKER_HOST first, then Docker's default socket, then Podman's rootful
 * one. Shared by `edgeplane up` (is there a runtime for a local node?) and
 * the agent, so both agree on the same engine.
 */
import { existsSync } from "node:fs";

export const DEFAULT_SOCKETS = ["/var/run/docker.sock", "/run/podman/podman.sock"] as const;

/**
 * The engine to use, as a socket path (or, from DOCKER_HOST=tcp://..., that
 * URL as is — it cannot be checked without connecting); `new
 * DockerRuntime()` takes either. DOCKER_HOST wins when set: one pointing at
 * a missing socket gives undefined, as Docker's tools would not fall back
 * to another engine either. Else the first default socket that exists.
 */
export function findRuntimeSocket(env: Record<string, string | undefined> = process.env): string | undefined {
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    const path = host.startsWith("unix://") ? host.slice("unix://".length) : host.startsWith("/") ? host : undefined;
    if (path !== undefined) return existsSync(path) ? path : undefined;
    if (/^(tcp|http):\/\//.test(host)) return host;
    return undefined;
  }
  return DEFAULT_SOCKETS.find((p) => existsSync(p));
}
