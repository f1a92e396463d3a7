/**
 * The CSR cleaner (kube-controller-manager's csrcleaner): finished
 * CertificateSigningRequests do not pile up. As Kubernetes has it, a request
 * goes
 *  - an hour after it was approved, once its certificate is issued;
 *  - as soon as that certificate has expired (its notAfter);
 *  - an hour after it was denied or failed;
 *  - a day after it was made, while no condition is set at all.
 * An approved request still waiting for its signer stays. Level triggered:
 * each request is looked at again when its time comes.
 */
import type { Controller } from "../types.js";
import { timeMs } from "../common/time.js";
import { certificateNotAfter, pemBlocksOfBase64 } from "../../apimachinery/pem.js";

export const CSRS = "certificatesigningrequests.certificates.k8s.io";
const HOUR = 3_600_000;
/** approvedExpiration, deniedExpiration (the failed ones' too), pendingExpiration. */
const APPROVED_MS = HOUR;
const DENIED_MS = HOUR;
const PENDING_MS = 24 * HOUR;

type Condition = { type?: string; lastUpdateTime?: string };

/** The notAfter of the first PEM block of an issued certificate (Go's pem.Decode then x509.ParseCertificates), if it parses. */
function issuedNotAfter(certificate: string): number | undefined {
  const block = pemBlocksOfBase64(certificate)?.[0];
  return block && certificateNotAfter(block.der);
}

export const csrCleanerController: Controller = {
  name: "csrcleaner",
  primary: CSRS,
  async reconcile(key, ctx) {
    const csr = ctx.lister.get(CSRS, "", key.name);
    if (!csr || csr.metadata.deletionTimestamp) return;
    const status = (csr.status ?? {}) as { conditions?: Condition[]; certificate?: string };
    const conditions = status.conditions ?? [];
    const issued = !!status.certificate;
    // The moments any rule lets it go; a rule whose time is unknown (a zero lastUpdateTime) never does.
    const deadlines: number[] = [];
    for (const c of conditions) {
      const updated = timeMs(c.lastUpdateTime);
      if (c.type === "Approved" && issued) {
        if (updated !== undefined) deadlines.push(updated + APPROVED_MS);
        const notAfter = issuedNotAfter(status.certificate!);
        if (notAfter !== undefined) deadlines.push(notAfter);
      }
      if ((c.type === "Denied" || c.type === "Failed") && updated !== undefined) deadlines.push(updated + DENIED_MS);
    }
    if (!conditions.length) deadlines.push((timeMs(csr.metadata.creationTimestamp) ?? ctx.now()) + PENDING_MS);
    if (!deadlines.length) return;
    const due = Math.min(...deadlines);
    if (due >= ctx.now()) return { requeueAfterMs: due - ctx.now() + 1 };
    await ctx.client.delete(CSRS, "", key.name, { preconditions: { uid: csr.metadata.uid } });
  },
};
