/**
 * The CSR cleaner (kube-controller-manager's csrcleaner): finished
 * CertificateSigningRequests do not pile up. One that was approved, denied
 * or failed is deleted an hour after that condition was last updated, one
 * still pending a day after it was created, as Kubernetes does. Level
 * triggered: each request is looked at again when its time comes.
 */
import type { Controller } from "../types.js";
import { timeMs } from "../common/time.js";

export const CSRS = "certificatesigningrequests.certificates.k8s.io";
const HOUR = 3_600_000;
/** How long each outcome is kept (approvedExpiration, deniedExpiration, the failed one, pendingExpiration). */
const KEPT_MS: Record<string, number> = { Approved: HOUR, Denied: HOUR, Failed: HOUR };
const PENDING_MS = 24 * HOUR;

type Condition = { type?: string; lastUpdateTime?: string; lastTransitionTime?: string };

export const csrCleanerController: Controller = {
  name: "csrcleaner",
  primary: CSRS,
  async reconcile(key, ctx) {
    const csr = ctx.lister.get(CSRS, "", key.name);
    if (!csr || csr.metadata.deletionTimestamp) return;
    const conditions = ((csr.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).filter((c) => KEPT_MS[c.type ?? ""]);
    const created = timeMs(csr.metadata.creationTimestamp) ?? ctx.now();
    // The earliest moment any rule lets it go.
    const deadlines = conditions.map((c) => (timeMs(c.lastUpdateTime) ?? timeMs(c.lastTransitionTime) ?? created) + KEPT_MS[c.type ?? ""]);
    if (!conditions.length) deadlines.push(created + PENDING_MS);
    const due = Math.min(...deadlines);
    if (due > ctx.now()) return { requeueAfterMs: due - ctx.now() };
    await ctx.client.delete(CSRS, "", key.name, { preconditions: { uid: csr.metadata.uid } });
  },
};
