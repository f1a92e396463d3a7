/**
 * The certificates admission plugins that ask the authorizer, as
 * kube-apiserver runs them on CertificateSigningRequests:
 *  - CertificateApproval: approving or denying (the /approval subresource)
 *    takes `approve` on the request's signer;
 *  - CertificateSigning: setting status.certificate takes `sign` on it;
 *  - CertificateSubjectRestriction: nobody asks the kube-apiserver-client
 *    signer for a certificate in the system:masters group.
 * A signer is the resource `signers` of certificates.k8s.io, named by the
 * signerName or by its domain and "/*". The object judged is the store's
 * own dry run (patches and YAML are seen as they will be stored). A new
 * request's signature is checked here too: kube-apiserver validates it, but
 * WebCrypto is asynchronous and a store's validation is not.
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser, Result } from "../store/protocol.js";
import type { ResourceRequest } from "../apiserver/request-info.js";
import { authorize } from "../apiserver/authz.js";
import { admissionForbidden } from "../admission/forbidden.js";
import { certificateSigningRequest, parseRequest } from "../registry/kinds/certificates/certificatesigningrequest.js";
import { requestOrganizations } from "../apimachinery/pem.js";
import { requestSignatureError } from "../apimachinery/request-signature.js";
import { fieldErrors, invalidError } from "../apimachinery/status.js";

const GROUP = "certificates.k8s.io";
const CSRS = "certificatesigningrequests";
const API_SERVER_CLIENT = "kubernetes.io/kube-apiserver-client";

type Csr = { spec?: { signerName?: string; request?: string }; status?: { certificate?: string } };

/** Whether a request is a CertificateSigningRequest write these plugins judge. */
export function needsSignerCheck(info: ResourceRequest): boolean {
  if (info.group !== GROUP || info.resource !== CSRS || !["create", "update", "patch"].includes(info.verb)) return false;
  return info.subresource === "approval" || info.subresource === "status" || (info.verb === "create" && !info.subresource);
}

/** IsAuthorizedForSignerName: the verb on the signer by its name, or on every signer of its domain. */
async function mayForSigner(env: Env, user: RequestUser, info: ResourceRequest, verb: string, signer: string): Promise<boolean> {
  const ask = (name: string) => authorize(user, { ...info, verb, group: GROUP, resource: "signers", name, subresource: "", namespace: "", kind: undefined }, env);
  if ((await ask(signer)).allowed) return true;
  const slash = signer.indexOf("/");
  return slash > 0 && (await ask(`${signer.slice(0, slash)}/*`)).allowed;
}


/**
 * Throws 403 when the write is not the user's to make. dryRun performs the
 * same write with dryRun=All; stored reads the live object (for /status).
 */
export async function confirmSignerPermission(env: Env, user: RequestUser, info: ResourceRequest, dryRun: () => Promise<Result>, stored: () => Promise<Result>): Promise<void> {
  const r = await dryRun();
  if (r.code >= 400) return; // the real write fails the same way
  const csr = JSON.parse(r.body) as KObject & Csr;
  const name = csr.metadata.name ?? info.name;
  const signer = csr.spec?.signerName ?? "";
  const forbidden = (why: string) => admissionForbidden({ kind: info.kind ?? certificateSigningRequest, name }, why);
  if (info.verb === "create" && !info.subresource) {
    const parsed = parseRequest(csr.spec?.request);
    if ("error" in parsed) return; // validation refused it already
    const der = parsed.der;
    const bad = await requestSignatureError(der);
    if (bad) throw invalidError("CertificateSigningRequest", GROUP, name, [fieldErrors.invalid("spec.request", csr.spec?.request ?? "", bad)]);
    if (signer === API_SERVER_CLIENT && requestOrganizations(der).includes("system:masters")) throw forbidden(`use of ${API_SERVER_CLIENT} signer with system:masters group is not allowed`);
    return;
  }
  if (info.subresource === "approval") {
    if (!(await mayForSigner(env, user, info, "approve", signer))) throw forbidden(`user not permitted to approve requests with signerName "${signer}"`);
    return;
  }
  const old = await stored();
  const before = old.code === 200 ? (JSON.parse(old.body) as Csr).status?.certificate : undefined;
  if ((before ?? "") !== (csr.status?.certificate ?? "") && !(await mayForSigner(env, user, info, "sign", signer))) throw forbidden(`user not permitted to sign requests with signerName "${signer}"`);
}
