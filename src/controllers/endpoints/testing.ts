/**
 * Test helper shared by the controller tests in these folders: a pod put in
 * a FakeCluster the way the cluster would hold it — created through the pod
 * strategy (so its spec is defaulted and later status writes validate), then
 * given its status, then, if asked, marked terminating as a graceful delete
 * leaves it. (A candidate for common/testing.ts.)
 */
import type { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";

export async function addPod(f: FakeCluster, o: KObject): Promise<KObject> {
  const { deletionTimestamp, deletionGracePeriodSeconds, ...metadata } = o.metadata;
  const created = await f.create("pods", { ...o, metadata, status: undefined });
  const withStatus = await f.updateStatus("pods", { ...created, status: o.status });
  if (!deletionTimestamp) return withStatus;
  return f.seed("pods", { ...withStatus, metadata: { ...withStatus.metadata, deletionTimestamp, deletionGracePeriodSeconds } });
}
