/**
 * apiregistration.k8s.io/v1 APIService: one per group version this server
 * serves, computed on read (src/apiserver/apiservices.ts) as kube-aggregator
 * keeps them — every built-in and CustomResourceDefinition group version is
 * "Local" and Available. `kubectl get apiservices` lists them. Read-only:
 * Edgeplane does not aggregate other API servers, so creating one is refused.
 */
import { apiregistrationDefinitions } from "../../../schemas/extra/apiregistration-v1.js";
import { ageColumn, nameColumn } from "../../columns.js";
import { type KindDef, type KObject } from "../../types.js";

type Cond = { type: string; status: string; reason?: string };
const spec = (o: KObject) => (o.spec ?? {}) as { service?: { namespace?: string; name?: string } };
const available = (o: KObject) => ((o.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((c) => c.type === "Available");

export const apiService: KindDef = {
  group: "apiregistration.k8s.io",
  version: "v1",
  kind: "APIService",
  plural: "apiservices",
  singular: "apiservice",
  namespaced: false,
  categories: ["api-extensions"],
  schemaName: "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService",
  schema: apiregistrationDefinitions["io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService"],
  verbs: ["get", "list"],
  virtual: true,
  columns: [
    nameColumn,
    { name: "Service", type: "string", description: "The reference to the service that hosts this API endpoint.", cell: (o) => (spec(o).service ? `${spec(o).service?.namespace}/${spec(o).service?.name}` : "Local") },
    {
      name: "Available",
      type: "string",
      description: "Whether this service is available.",
      cell: (o) => {
        const c = available(o);
        if (!c) return "Unknown";
        return c.status === "True" ? "True" : `${c.status} (${c.reason ?? ""})`;
      },
    },
    ageColumn,
  ],
};
