/**
 * `kubectl get` columns of custom resources: a CRD version's
 * additionalPrinterColumns, each a JSONPath into the object, rendered as
 * apiextensions-apiserver's table convertor does (dates as ages, the first
 * result only, "" for a missing value); with none declared, Name and Age.
 * JSONPath evaluation is jsonpath-plus (filters such as
 * `.status.conditions[?(@.type=="Ready")].status` included).
 */
import { JSONPath } from "jsonpath-plus";
import type { CustomResourceColumnDefinition } from "kubernetes-types/apiextensions/v1";
import { ageOf } from "../../apimachinery/age.js";
import { ageColumn, nameColumn } from "../columns.js";
import type { Column, KObject } from "../types.js";

type Cell = string | number | boolean | null;

/** The first value a CRD column's JSONPath (".spec.x", or "{.spec.x}") finds in obj. */
export function firstResult(obj: KObject, jsonPath: string): unknown {
  let p = jsonPath.trim();
  if (p.startsWith("{") && p.endsWith("}")) p = p.slice(1, -1);
  if (!p.startsWith("$")) p = `$${p.startsWith(".") || p.startsWith("[") ? "" : "."}${p}`;
  try {
    const found = JSONPath({ path: p, json: obj as object, wrap: true, eval: "safe" }) as unknown[];
    return found.length ? found[0] : undefined;
  } catch {
    return undefined;
  }
}

function cellOf(type: string, value: unknown, now: number): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "date":
      return typeof value === "string" ? ageOf(value, now) : "<invalid>";
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? value : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    default:
      return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

const TYPES = new Set(["integer", "number", "string", "boolean", "date"]);

export function printerColumns(defs: CustomResourceColumnDefinition[] | undefined): Column[] {
  if (!defs?.length) return [nameColumn, ageColumn];
  return [
    nameColumn,
    ...defs.map(
      (d): Column => ({
        name: d.name,
        // Dates are shown as ages, so they travel as strings.
        type: d.type === "date" || !TYPES.has(d.type) ? "string" : (d.type as Column["type"]),
        format: d.format === "name" ? "name" : "",
        priority: d.priority && d.priority > 0 ? 1 : 0,
        description: d.description ?? "Custom resource definition column (in JSONPath format): " + d.jsonPath,
        cell: (o, now) => cellOf(d.type, firstResult(o, d.jsonPath), now),
      }),
    ),
  ];
}
