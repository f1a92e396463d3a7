/** discovery.k8s.io/v1 EndpointSlice: the scalable form of Endpoints. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Slice = { addressType?: string; ports?: { port?: number }[]; endpoints?: { addresses: string[] }[] };
const s = (o: KObject) => o as unknown as Slice;

export const endpointSlice: KindDef = {
  group: "discovery.k8s.io",
  version: "v1",
  kind: "EndpointSlice",
  plural: "endpointslices",
  singular: "endpointslice",
  namespaced: true,
  schemaName: "io.k8s.api.discovery.v1.EndpointSlice",
  schema: definitions["io.k8s.api.discovery.v1.EndpointSlice"],
  columns: [
    nameColumn,
    { name: "AddressType", type: "string", description: "The type of address carried by this EndpointSlice.", cell: (o) => s(o).addressType ?? "" },
    { name: "Ports", type: "string", description: "Ports of the slice.", cell: (o) => (s(o).ports ?? []).map((p) => String(p.port ?? "")).join(",") || "<unset>" },
    {
      name: "Endpoints",
      type: "string",
      description: "Addresses of the endpoints.",
      cell: (o) => {
        const all = (s(o).endpoints ?? []).flatMap((e) => e.addresses);
        if (!all.length) return "<unset>";
        return all.length > 3 ? `${all.slice(0, 3).join(",")} + ${all.length - 3} more...` : all.join(",");
      },
    },
    ageColumn,
  ],
};
