/**
 * ServiceAccount admission (default ServiceAccount, the kube-api-access
 * projected volume): a slot in the chain. The authentication work delivers
 * the real plugin in this file; until then it lets every pod through as is.
 */
import type { AdmissionPlugin } from "./types.js";

export const serviceAccount: AdmissionPlugin = { name: "ServiceAccount" };
