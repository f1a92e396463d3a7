/** core/v1 Endpoints: the ready addresses behind a Service (kept by the endpoints controller). */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Subset = { addresses?: { ip: string }[]; ports?: { port: number }[] };

/** "10.0.0.1:80,10.0.0.2:80 + 3 more..." as kubectl shows it. */
export function formatEndpoints(o: KObject): string {
  const all: string[] = [];
  for (const s of (o.subsets as Subset[] | undefined) ?? []) {
    const ports = s.ports?.length ? s.ports : [undefined];
    for (const a of s.addresses ?? []) for (const p of ports) all.push(p ? `${a.ip}:${p.port}` : a.ip);
  }
  if (!all.length) return "<none>";
  return all.length > 3 ? `${all.slice(0, 3).join(",")} + ${all.length - 3} more...` : all.join(",");
}

export const endpoints: KindDef = {
  group: "",
  version: "v1",
  kind: "Endpoints",
  plural: "endpoints",
  singular: "endpoints",
  namespaced: true,
  shortNames: ["ep"],
  schemaName: "io.k8s.api.core.v1.Endpoints",
  schema: definitions["io.k8s.api.core.v1.Endpoints"],
  columns: [nameColumn, { name: "Endpoints", type: "string", description: "Endpoints of the service", cell: formatEndpoints }, ageColumn],
};
