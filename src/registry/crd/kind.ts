/**
 * A CustomResourceDefinition turned into kind declarations, one per served
 * version, so custom resources go through the same generic machinery as the
 * built-in kinds (routes, discovery, OpenAPI, tables, the store). Only the
 * hooks differ: the version's openAPIV3Schema prunes unknown fields (as the
 * valibot schema the generic validation runs), fills defaults and validates
 * values (structural.ts). Built once per CRD resourceVersion.
 */
import * as v from "valibot";
import type { CustomResourceDefinitionSpec, CustomResourceDefinitionVersion, JSONSchemaProps } from "kubernetes-types/apiextensions/v1";
import { definitions } from "../../schemas/generated/index.js";
import { opt, str, strictObject, type Schema } from "../../schemas/dsl.js";
import { fieldErrors, type FieldError } from "../../apimachinery/status.js";
import type { KindDef, KObject } from "../types.js";
import { applyDefaults, unknownFields, validateValue, type Path } from "./structural.js";
import { printerColumns } from "./columns.js";
import { compileRules, validateRules } from "./validation-rules.js";

export const CRD_RESOURCE = "customresourcedefinitions.apiextensions.k8s.io";

/** The fields every object has, checked by the generic machinery rather than the CRD's schema. */
const TYPE_META = new Set(["apiVersion", "kind", "metadata"]);

export const crdSpec = (crd: KObject) => (crd.spec ?? {}) as CustomResourceDefinitionSpec;

/** "crontabs.stable.example.com": the resource key of the CRD's kind, which is also the CRD's name. */
export const crdResourceKey = (crd: KObject) => `${crdSpec(crd).names?.plural ?? ""}.${crdSpec(crd).group ?? ""}`;

/** The version objects are stored at (exactly one is marked storage). */
export const storageVersion = (crd: KObject): CustomResourceDefinitionVersion | undefined => (crdSpec(crd).versions ?? []).find((ver) => ver.storage);

/** OpenAPI definition names reverse the group, as Kubernetes publishes them: com.example.stable.v1.CronTab. */
export const schemaNameOf = (group: string, version: string, kind: string) => `${group.split(".").reverse().join(".")}.${version}.${kind}`;

/** valibot's issue for an unknown field: the shape validateSchema recognises (see dsl.ts strictObject). */
function unknownIssue(path: Path, input: unknown): v.BaseIssue<unknown> {
  let cur = input;
  const items = path.map((key) => {
    const item = { type: typeof key === "number" ? "array" : "object", origin: "value", input: cur, key, value: (cur as Record<string | number, unknown>)?.[key] };
    cur = item.value;
    return item;
  });
  const key = String(path[path.length - 1]);
  return { kind: "schema", type: "strict_object", input: key, expected: "never", received: `"${key}"`, message: `Invalid key: Expected never but received "${key}"`, path: items } as unknown as v.BaseIssue<unknown>;
}

type Dataset = { typed?: boolean; value: unknown; issues?: v.BaseIssue<unknown>[] };

/** A schema node that accepts any value and reports the fields pruning would drop, as unknown-key issues. */
function pruning(schema: JSONSchemaProps): Schema {
  const base = v.unknown();
  const node = {
    ...base,
    "~run"(dataset: Dataset) {
      dataset.typed = true;
      const paths = unknownFields(dataset.value, schema);
      if (paths.length) dataset.issues = [...(dataset.issues ?? []), ...paths.map((p) => unknownIssue(p, dataset.value))];
      return dataset;
    },
  };
  return node as unknown as Schema;
}

/** The object schema the generic validation runs: type meta and ObjectMeta as for every kind, the rest pruned by the CRD's schema. */
function objectSchema(root: JSONSchemaProps | undefined): Schema {
  const entries: Record<string, Schema> = { apiVersion: opt(str), kind: opt(str), metadata: opt(definitions["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]) };
  for (const [name, s] of Object.entries(root?.properties ?? {})) if (!TYPE_META.has(name)) entries[name] = v.optional(pruning(s));
  const preserves = !root || (root as Record<string, unknown>)["x-kubernetes-preserve-unknown-fields"] === true;
  return preserves ? (v.looseObject(entries) as unknown as Schema) : strictObject(entries);
}

/** Value validation of everything but type meta and metadata (which the generic strategy checks); old ratchets an update. */
function validateRoot(obj: KObject, root: JSONSchemaProps | undefined, old?: KObject): FieldError[] {
  if (!root) return [];
  const errs: FieldError[] = [];
  for (const name of root.required ?? []) if (!TYPE_META.has(name) && obj[name] === undefined) errs.push(fieldErrors.required(name));
  for (const [name, s] of Object.entries(root.properties ?? {})) {
    if (TYPE_META.has(name) || obj[name] === undefined) continue;
    errs.push(...validateValue(obj[name], s, name, old?.[name]));
  }
  return errs;
}

function kindFor(spec: CustomResourceDefinitionSpec, ver: CustomResourceDefinitionVersion, servedVersions: number): KindDef {
  const names = spec.names;
  const root = ver.schema?.openAPIV3Schema;
  const scale = ver.subresources?.scale;
  const rules = compileRules(root);
  return {
    group: spec.group,
    version: ver.name,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    namespaced: spec.scope !== "Cluster",
    ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
    ...(names.categories?.length ? { categories: names.categories } : {}),
    schemaName: schemaNameOf(spec.group, ver.name, names.kind),
    schema: objectSchema(root),
    columns: printerColumns(ver.additionalPrinterColumns),
    tracksGeneration: true,
    custom: { schema: root, listKind: names.listKind || `${names.kind}List`, servedVersions },
    strategy: {
      defaults: (o) => applyDefaults(o, root),
      validate: (o, old) => {
        const errs = validateRoot(o, root, old);
        if (!rules) return errs;
        // Rules need typed values: a wrong type blocks them, as in apiextensions' strategy.
        if (errs.some((e) => e.type === "FieldValueTypeInvalid")) return [...errs, fieldErrors.invalid("<nil>", null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")];
        return [...errs, ...validateRules(rules, o, old)];
      },
    },
    subresources: {
      ...(ver.subresources?.status ? { status: true } : {}),
      ...(scale ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
    },
  };
}

const built = new Map<string, KindDef[]>();

/** The kinds a CRD serves, storage version first; memoised by uid and resourceVersion. */
export function kindsOf(crd: KObject): KindDef[] {
  const id = `${crd.metadata.uid}/${crd.metadata.resourceVersion}`;
  let kinds = built.get(id);
  if (!kinds) {
    const spec = crdSpec(crd);
    const versions = (spec.versions ?? []).filter((ver) => ver.served).sort((a, b) => Number(!!b.storage) - Number(!!a.storage));
    kinds = versions.map((ver) => kindFor(spec, ver, versions.length));
    if (built.size > 500) built.clear();
    built.set(id, kinds);
  }
  return kinds;
}

const orphaned = new Map<string, KindDef>();

/**
 * The kind of a stored custom resource whose CRD this isolate cannot find
 * (deleted meanwhile): enough for the store to delete it (namespace
 * deletion, garbage collection), nothing more.
 */
export function orphanedKind(resource: string): KindDef {
  let k = orphaned.get(resource);
  if (!k) {
    const dot = resource.indexOf(".");
    const plural = dot < 0 ? resource : resource.slice(0, dot);
    const group = dot < 0 ? "" : resource.slice(dot + 1);
    k = { group, version: "v1", kind: plural, plural, singular: plural, namespaced: true, schemaName: "", schema: v.unknown() as unknown as Schema, columns: printerColumns(undefined), custom: { listKind: `${plural}List` } };
    orphaned.set(resource, k);
  }
  return k;
}
