/**
 * What Roles/ClusterRoles and their bindings share: rule and subject
 * validation as Kubernetes' rbac validation does it, the immutable roleRef,
 * and the kubectl columns (Created At; Role, Users, Groups, ServiceAccounts).
 */
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { Column, KObject, Strategy } from "../../types.js";
import { deepEqual } from "../../../apimachinery/objects.js";

type Rule = { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
type Subject = { kind?: string; apiGroup?: string; name?: string; namespace?: string };
const RBAC = "rbac.authorization.k8s.io";

export const createdAtColumn: Column = { name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", cell: (o) => o.metadata.creationTimestamp ?? "" };
export const roleColumns: Column[] = [nameColumn, createdAtColumn];

/** namespaced: Roles may not name non-resource URLs. */
export function validateRules(o: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  ((o.rules as Rule[] | undefined) ?? []).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!r.verbs?.length) errs.push(fieldErrors.required(`${p}.verbs`, "verbs must contain at least one value"));
    if (r.nonResourceURLs?.length) {
      if (namespaced) errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, "namespaced rules cannot apply to non-resource URLs"));
      if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) errs.push(fieldErrors.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"));
      return;
    }
    if (!r.apiGroups?.length) errs.push(fieldErrors.required(`${p}.apiGroups`, "resource rules must supply at least one api group"));
    if (!r.resources?.length) errs.push(fieldErrors.required(`${p}.resources`, "resource rules must supply at least one resource"));
  });
  return errs;
}

const subjects = (o: KObject) => (o.subjects as Subject[] | undefined) ?? [];
const names = (o: KObject, kind: string) => subjects(o).filter((s) => s.kind === kind).map((s) => (kind === "ServiceAccount" ? `${s.namespace ?? ""}/${s.name}` : s.name)).join(", ");

export const bindingColumns: Column[] = [
  nameColumn,
  { name: "Role", type: "string", description: "RoleRef is the reference to the role the binding grants.", cell: (o) => { const r = o.roleRef as { kind?: string; name?: string } | undefined; return r ? `${r.kind}/${r.name}` : ""; } },
  ageColumn,
  { name: "Users", type: "string", priority: 1, description: "Users in the binding", cell: (o) => names(o, "User") },
  { name: "Groups", type: "string", priority: 1, description: "Groups in the binding", cell: (o) => names(o, "Group") },
  { name: "ServiceAccounts", type: "string", priority: 1, description: "ServiceAccounts in the binding", cell: (o) => names(o, "ServiceAccount") },
];

/** The strategy of RoleBinding (clusterScoped false) and ClusterRoleBinding. */
export function bindingStrategy(clusterScoped: boolean): Strategy {
  return {
    defaults(o) {
      for (const s of subjects(o)) if (!s.apiGroup && (s.kind === "User" || s.kind === "Group")) s.apiGroup = RBAC;
    },
    validate(o) {
      const errs: FieldError[] = [];
      const ref = o.roleRef as { apiGroup?: string; kind?: string; name?: string } | undefined;
      if (!ref) return [fieldErrors.required("roleRef")];
      if (ref.apiGroup !== RBAC) errs.push(fieldErrors.notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [RBAC]));
      const kinds = clusterScoped ? ["ClusterRole"] : ["Role", "ClusterRole"];
      if (!kinds.includes(ref.kind ?? "")) errs.push(fieldErrors.notSupported("roleRef.kind", ref.kind ?? "", kinds));
      if (!ref.name) errs.push(fieldErrors.required("roleRef.name"));
      subjects(o).forEach((s, i) => {
        const p = `subjects[${i}]`;
        if (!s.name) errs.push(fieldErrors.required(`${p}.name`));
        if (s.kind === "ServiceAccount") {
          if (s.apiGroup) errs.push(fieldErrors.notSupported(`${p}.apiGroup`, s.apiGroup, [""]));
          if (clusterScoped && !s.namespace) errs.push(fieldErrors.required(`${p}.namespace`));
        } else if (s.kind === "User" || s.kind === "Group") {
          if (s.apiGroup !== RBAC) errs.push(fieldErrors.notSupported(`${p}.apiGroup`, s.apiGroup ?? "", [RBAC]));
        } else errs.push(fieldErrors.notSupported(`${p}.kind`, s.kind ?? "", ["ServiceAccount", "User", "Group"]));
      });
      return errs;
    },
    validateUpdate(o, old) {
      return deepEqual(o.roleRef, old.roleRef) ? [] : [fieldErrors.invalid("roleRef", o.roleRef, "cannot change roleRef")];
    },
  };
}
