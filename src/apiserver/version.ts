/** The Kubernetes version this API speaks (kubectl picks its behaviour and skew warnings from it). */
export const KUBE_MAJOR = "1";
export const KUBE_MINOR = "30";
export const EDGEPLANE_VERSION = "0.1.0";

export const versionInfo = {
  major: KUBE_MAJOR,
  minor: KUBE_MINOR,
  gitVersion: `v${KUBE_MAJOR}.${KUBE_MINOR}.0+edgeplane.${EDGEPLANE_VERSION}`,
  gitCommit: "edgeplane",
  gitTreeState: "clean",
  buildDate: "2026-11-22T00:00:00Z",
  goVersion: "workerd",
  compiler: "edgeplane",
  platform: "cloudflare/workers",
};
