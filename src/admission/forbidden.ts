/**
 * Admission refusals read as the apiserver's admission.NewForbidden does:
 * `pods "web" is forbidden: <why>`; several reasons aggregate as `[a, b]`.
 */
import { errors, type ApiError } from "../apimachinery/status.js";
import type { Attributes } from "./types.js";

export function admissionForbidden(a: Pick<Attributes, "kind" | "name">, why: string | string[]): ApiError {
  const msg = Array.isArray(why) ? (why.length === 1 ? why[0] : `[${why.join(", ")}]`) : why;
  const res = a.kind.group ? `${a.kind.plural}.${a.kind.group}` : a.kind.plural;
  return errors.forbidden(`${res} "${a.name}" is forbidden: ${msg}`, { group: a.kind.group, resource: a.kind.plural }, a.name);
}
