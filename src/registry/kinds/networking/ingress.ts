/** networking.k8s.io/v1 Ingress: HTTP routes to Services, for an ingress controller to serve (none is built in). */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Path = { path?: string; pathType?: string };
type Spec = { ingressClassName?: string; rules?: { host?: string; http?: { paths?: Path[] } }[]; tls?: unknown[] };
type Status = { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"];

export const ingress: KindDef = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "Ingress",
  plural: "ingresses",
  singular: "ingress",
  namespaced: true,
  shortNames: ["ing"],
  schemaName: "io.k8s.api.networking.v1.Ingress",
  schema: definitions["io.k8s.api.networking.v1.Ingress"],
  columns: [
    nameColumn,
    { name: "Class", type: "string", description: "The name of the IngressClass cluster resource.", cell: (o) => spec(o).ingressClassName ?? "<none>" },
    { name: "Hosts", type: "string", description: "Hosts that incoming requests are matched against.", cell: (o) => (spec(o).rules ?? []).map((r) => r.host || "*").join(",") || "*" },
    {
      name: "Address",
      type: "string",
      description: "Address is a list containing ingress points for the load-balancer.",
      cell: (o) => ((o.status ?? {}) as Status).loadBalancer?.ingress?.map((i) => i.ip || i.hostname || "").join(",") ?? "",
    },
    { name: "Ports", type: "string", description: "Ports of TLS configurations that open.", cell: (o) => (spec(o).tls?.length ? "80, 443" : "80") },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const errs: FieldError[] = [];
      spec(o).rules?.forEach((r, i) =>
        r.http?.paths?.forEach((p, j) => {
          const at = `spec.rules[${i}].http.paths[${j}]`;
          if (!p.pathType) errs.push(fieldErrors.required(`${at}.pathType`, "pathType must be specified"));
          else if (!PATH_TYPES.includes(p.pathType)) errs.push(fieldErrors.notSupported(`${at}.pathType`, p.pathType, PATH_TYPES));
          else if (p.pathType !== "ImplementationSpecific" && !(p.path ?? "").startsWith("/")) errs.push(fieldErrors.invalid(`${at}.path`, p.path ?? "", "must be an absolute path"));
        }),
      );
      return errs;
    },
  },
  subresources: { status: true },
};
