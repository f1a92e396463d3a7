/**
 * The node heartbeat: a coordination.k8s.io Lease in kube-node-lease renewed
 * every 10 s, as the kubelet does. Cheap to write (a tiny object) and what the
 * node lifecycle controller reads to tell a live node from a silent one.
 * Shared by the agent and the fake nodes.
 */
import { KubeError, type KubeClient } from "../../../src/cli/kube-client.js";

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microNow = (): string => new Date().toISOString().replace("Z", "000Z");
/** metav1.Time: RFC 3339 to the second. */
export const timeNow = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

const LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";

export async function renewLease(client: KubeClient, node: string, durationSeconds = 40): Promise<void> {
  const spec = { holderIdentity: node, leaseDurationSeconds: durationSeconds, renewTime: microNow() };
  try {
    await client.mergePatch(`${LEASES}/${node}`, { spec });
  } catch (e) {
    if (!(e instanceof KubeError && e.code === 404)) throw e;
    await client.post(LEASES, { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: node, namespace: "kube-node-lease" }, spec });
  }
}
