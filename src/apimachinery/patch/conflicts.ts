/**
 * Apply conflicts: fields another manager owns that an apply would change.
 * Reported like k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go
 * as a 409 Conflict whose causes name each field and manager, e.g.
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 */
import { ApiError, type StatusCause } from "../status.js";
import { pathString, type FieldSet, type Path } from "./fieldpath.js";
import { parseIdentifier } from "./managed-fields.js";

export interface Conflict {
  /** Manager identifier (see managed-fields.ts). */
  manager: string;
  path: Path;
}

export class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflictMessage(conflicts));
  }

  static fromSets(sets: Map<string, FieldSet>): ApplyConflicts {
    const ids = [...sets.keys()].sort();
    return new ApplyConflicts(ids.flatMap((manager) => sets.get(manager)!.paths().map((path) => ({ manager, path }))));
  }

  toApiError(): ApiError {
    const causes: StatusCause[] = this.conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${printManager(c.manager)}`,
      field: pathString(c.path),
    }));
    return new ApiError(409, "Conflict", this.message, { causes });
  }
}

function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines = [...byManager.keys()]
    .sort()
    .flatMap((m) => [`conflicts with ${printManager(m)}:`, ...byManager.get(m)!.map((p) => `- ${pathString(p)}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/** "name", plus the subresource and, for Update managers, the apiVersion written through. */
function printManager(id: string): string {
  const info = parseIdentifier(id);
  if (!info) return JSON.stringify(id);
  let s = JSON.stringify(info.manager ?? "");
  if (info.subresource) s += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === "Update") s += ` using ${info.apiVersion ?? ""}`;
  return s;
}
