/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition: declares a custom kind,
 * which the registry then serves like a built-in one (registry/crd/). Names,
 * versions and schemas are validated as apiextensions-apiserver does (a
 * structural schema per version, exactly one storage version); the CRD is
 * accepted and established at once, and carries the cleanup finalizer so
 * deleting it first deletes its custom resources (controllers/crdcleanup).
 */
import type { CustomResourceDefinitionSpec, CustomResourceDefinitionStatus } from "kubernetes-types/apiextensions/v1";
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from "../../../apimachinery/validation.js";
import { nameColumn } from "../../columns.js";
import { checkStructural } from "../../crd/structural.js";
import { ruleErrors } from "../../crd/validation-rules.js";
import type { KindDef, KObject, StrategyContext } from "../../types.js";

/** The finalizer the cleanup controller removes once no custom resource of the CRD is left. */
export const CRD_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
const COLUMN_TYPES = ["integer", "number", "string", "boolean", "date"];
const SCOPES = ["Cluster", "Namespaced"];
const KIND_RE = /^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

const specOf = (o: KObject) => (o.spec ?? {}) as CustomResourceDefinitionSpec;
const statusOf = (o: KObject) => (o.status ?? {}) as CustomResourceDefinitionStatus;

function validate(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(o);
  const names = spec.names ?? ({} as CustomResourceDefinitionSpec["names"]);
  if (!spec.group) errs.push(fieldErrors.required("spec.group"));
  else {
    for (const m of isDNS1123Subdomain(spec.group)) errs.push(fieldErrors.invalid("spec.group", spec.group, m));
    if (spec.group.split(".").length < 2) errs.push(fieldErrors.invalid("spec.group", spec.group, "should be a domain with at least one dot"));
  }
  if (!names.plural) errs.push(fieldErrors.required("spec.names.plural"));
  else for (const m of isDNS1035Label(names.plural)) errs.push(fieldErrors.invalid("spec.names.plural", names.plural, m));
  if (names.singular) for (const m of isDNS1035Label(names.singular)) errs.push(fieldErrors.invalid("spec.names.singular", names.singular, m));
  for (const [i, s] of (names.shortNames ?? []).entries()) for (const m of isDNS1123Label(s)) errs.push(fieldErrors.invalid(`spec.names.shortNames[${i}]`, s, m));
  if (!names.kind) errs.push(fieldErrors.required("spec.names.kind"));
  else if (!KIND_RE.test(names.kind)) errs.push(fieldErrors.invalid("spec.names.kind", names.kind, "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
  if (names.listKind && !KIND_RE.test(names.listKind)) errs.push(fieldErrors.invalid("spec.names.listKind", names.listKind, "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
  if (names.listKind && names.listKind === names.kind) errs.push(fieldErrors.invalid("spec.names.listKind", names.listKind, "kind and listKind may not be the same"));
  if (names.plural && spec.group && o.metadata.name !== `${names.plural}.${spec.group}`) {
    errs.push(fieldErrors.invalid("metadata.name", o.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!spec.scope) errs.push(fieldErrors.required("spec.scope"));
  else if (!SCOPES.includes(spec.scope)) errs.push(fieldErrors.notSupported("spec.scope", spec.scope, SCOPES));
  const versions = spec.versions ?? [];
  if (!versions.length) errs.push(fieldErrors.required("spec.versions", "must have exactly one version marked as storage version"));
  else if (versions.filter((v) => v.storage).length !== 1) errs.push(fieldErrors.invalid("spec.versions", versions.map((v) => v.name), "must have exactly one version marked as storage version"));
  const seen = new Set<string>();
  for (const [i, ver] of versions.entries()) {
    const p = `spec.versions[${i}]`;
    for (const m of isDNS1035Label(ver.name ?? "")) errs.push(fieldErrors.invalid(`${p}.name`, ver.name, m));
    if (seen.has(ver.name)) errs.push(fieldErrors.duplicate(`${p}.name`, ver.name));
    seen.add(ver.name);
    const root = ver.schema?.openAPIV3Schema;
    if (!root) errs.push(fieldErrors.required(`${p}.schema.openAPIV3Schema`, "schemas are required"));
    else errs.push(...checkStructural(root, `${p}.schema.openAPIV3Schema`), ...ruleErrors(root, `${p}.schema.openAPIV3Schema`));
    for (const [j, col] of (ver.additionalPrinterColumns ?? []).entries()) {
      const cp = `${p}.additionalPrinterColumns[${j}]`;
      if (!col.name) errs.push(fieldErrors.required(`${cp}.name`));
      if (!COLUMN_TYPES.includes(col.type)) errs.push(fieldErrors.notSupported(`${cp}.type`, col.type, COLUMN_TYPES));
      if (!col.jsonPath) errs.push(fieldErrors.required(`${cp}.jsonPath`));
    }
    const scale = ver.subresources?.scale;
    if (scale) {
      if (!scale.specReplicasPath?.startsWith(".spec.")) errs.push(fieldErrors.invalid(`${p}.subresources.scale.specReplicasPath`, scale.specReplicasPath, "should be a json path under .spec"));
      if (!scale.statusReplicasPath?.startsWith(".status.")) errs.push(fieldErrors.invalid(`${p}.subresources.scale.statusReplicasPath`, scale.statusReplicasPath, "should be a json path under .status"));
    }
  }
  return errs;
}

/** Accepted names and the Established condition: nothing stands between a valid CRD and serving it. */
function establish(o: KObject, ctx: StrategyContext, old?: KObject): void {
  const spec = specOf(o);
  const prev = old ? statusOf(old) : {};
  const storage = spec.versions?.find((v) => v.storage)?.name;
  const stored = [...(prev.storedVersions ?? [])];
  if (storage && !stored.includes(storage)) stored.push(storage);
  const since = (type: string) => prev.conditions?.find((c) => c.type === type && c.status === "True")?.lastTransitionTime ?? ctx.nowRfc3339;
  o.status = {
    acceptedNames: spec.names,
    conditions: [
      { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", lastTransitionTime: since("NamesAccepted") },
      { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted", lastTransitionTime: since("Established") },
      ...(prev.conditions ?? []).filter((c) => c.type !== "NamesAccepted" && c.type !== "Established"),
    ],
    storedVersions: stored,
  };
}

export const customResourceDefinition: KindDef = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  singular: "customresourcedefinition",
  namespaced: false,
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  schemaName: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
  schema: definitions["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"],
  columns: [nameColumn, { name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created.", cell: (o) => o.metadata.creationTimestamp ?? "" }],
  subresources: { status: true },
  strategy: {
    defaults(o) {
      const spec = specOf(o);
      if (spec.names?.kind) {
        spec.names.singular ||= spec.names.kind.toLowerCase();
        spec.names.listKind ||= `${spec.names.kind}List`;
      }
      spec.conversion ??= { strategy: "None" };
    },
    prepareForCreate(o, ctx) {
      const fin = o.metadata.finalizers ?? [];
      if (!fin.includes(CRD_CLEANUP_FINALIZER)) o.metadata.finalizers = [...fin, CRD_CLEANUP_FINALIZER];
      establish(o, ctx);
    },
    prepareForUpdate(o, old, ctx) {
      establish(o, ctx, old);
    },
    validate,
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      if (specOf(o).scope !== specOf(old).scope) errs.push(fieldErrors.invalid("spec.scope", specOf(o).scope, "field is immutable"));
      if (specOf(o).group !== specOf(old).group) errs.push(fieldErrors.invalid("spec.group", specOf(o).group, "field is immutable"));
      return errs;
    },
  },
};
