/** The webhook configurations' registry keys (a module of its own: the store imports it, and the dispatcher imports the store). */
export const VALIDATING = "validatingwebhookconfigurations.admissionregistration.k8s.io";
export const MUTATING = "mutatingwebhookconfigurations.admissionregistration.k8s.io";
