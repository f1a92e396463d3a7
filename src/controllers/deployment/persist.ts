/**
 * Writing back what a pass changed on the Deployment itself: the revision
 * annotation (a metadata update: this store's /status keeps metadata as it
 * is) and then the status, each guarded by resourceVersion.
 */
import { statusChanged } from "../common/status.js";
import { REVISION } from "./annotations.js";
import { DEPLOYMENTS, type Deployment, type Pass } from "./types.js";

export async function persist(p: Pass): Promise<void> {
  const { client } = p.ctx;
  let stored = p.stored;
  const revision = p.d.metadata.annotations?.[REVISION];
  if (revision !== undefined && revision !== stored.metadata.annotations?.[REVISION]) {
    const annotations = { ...stored.metadata.annotations, [REVISION]: revision };
    stored = (await client.update(DEPLOYMENTS, { ...stored, metadata: { ...stored.metadata, annotations } })) as Deployment;
  }
  if (statusChanged(stored.status, p.d.status)) stored = (await client.updateStatus(DEPLOYMENTS, { ...stored, status: p.d.status })) as Deployment;
  p.stored = stored;
}
