/**
 * node.k8s.io/v1 RuntimeClass: a named container runtime configuration
 * (gVisor, Kata) pods select with runtimeClassName. Stored and listed so the
 * charts and manifests that carry one apply; the node agent runs every pod
 * with the runtime's default handler.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

/** The handler is a DNS label, as a CRI handler name (ValidateRuntimeClassHandler... IsDNS1123Label). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const runtimeClass: KindDef = {
  group: "node.k8s.io",
  version: "v1",
  kind: "RuntimeClass",
  plural: "runtimeclasses",
  singular: "runtimeclass",
  namespaced: false,
  schemaName: "io.k8s.api.node.v1.RuntimeClass",
  schema: definitions["io.k8s.api.node.v1.RuntimeClass"],
  columns: [nameColumn, { name: "Handler", type: "string", description: "Handler specifies the underlying runtime and configuration that the CRI implementation will use.", cell: (o) => String(o.handler ?? "") }, ageColumn],
  strategy: {
    validate(o) {
      const h = String(o.handler ?? "");
      return DNS_LABEL.test(h) ? [] : [fieldErrors.invalid("handler", h, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")];
    },
    validateUpdate: (o, old) => (o.handler === old.handler ? [] : [fieldErrors.invalid("handler", o.handler, "field is immutable")]),
  },
};
