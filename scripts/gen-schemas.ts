/**
 * Generates the valibot schemas of the Kubernetes API types Edgeplane serves
 * (src/schemas/generated/**) from the .d.ts files of the kubernetes-types npm
 * package, read with the TypeScript compiler API. Only the types reachable
 * from ROOTS are emitted, each named by its Kubernetes OpenAPI definition name.
 *
 *   npx tsx scripts/gen-schemas.ts [outDir]     (default: src/schemas/generated)
 *
 * kubernetes-types loses two facts that the schemas need, restored here:
 * every number of the Kubernetes API is an integer (int32 unless listed in
 * INT64_FIELDS, taken from the Go struct field types of Kubernetes 1.30), and
 * fields typed `number | string` are intstr.IntOrString.
 */
import ts from "typescript";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Root kinds, as "<kubernetes-types module>/<Kind>". Adding a kind is one line. */
export const ROOTS: readonly string[] = [
  // core/v1
  "core/v1/Binding",
  "core/v1/ComponentStatus",
  "core/v1/ConfigMap",
  "core/v1/Endpoints",
  "core/v1/Event",
  "core/v1/LimitRange",
  "core/v1/Namespace",
  "core/v1/Node",
  "core/v1/PersistentVolume",
  "core/v1/PersistentVolumeClaim",
  "core/v1/Pod",
  "core/v1/PodTemplate",
  "core/v1/ReplicationController",
  "core/v1/ResourceQuota",
  "core/v1/Secret",
  "core/v1/Service",
  "core/v1/ServiceAccount",
  // apps/v1
  "apps/v1/ControllerRevision",
  "apps/v1/DaemonSet",
  "apps/v1/Deployment",
  "apps/v1/ReplicaSet",
  "apps/v1/StatefulSet",
  // batch/v1
  "batch/v1/CronJob",
  "batch/v1/Job",
  // other groups
  "admissionregistration/v1/MutatingWebhookConfiguration",
  "admissionregistration/v1/ValidatingAdmissionPolicy",
  "admissionregistration/v1/ValidatingAdmissionPolicyBinding",
  "admissionregistration/v1/ValidatingWebhookConfiguration",
  "apiextensions/v1/CustomResourceDefinition",
  "authentication/v1/SelfSubjectReview",
  "authentication/v1/TokenRequest",
  "authentication/v1/TokenReview",
  "authorization/v1/LocalSubjectAccessReview",
  "authorization/v1/SelfSubjectAccessReview",
  "authorization/v1/SelfSubjectRulesReview",
  "authorization/v1/SubjectAccessReview",
  "certificates/v1/CertificateSigningRequest",
  "flowcontrol/v1/FlowSchema",
  "flowcontrol/v1/PriorityLevelConfiguration",
  "autoscaling/v1/HorizontalPodAutoscaler",
  "autoscaling/v1/Scale",
  "autoscaling/v2/HorizontalPodAutoscaler",
  "coordination/v1/Lease",
  "discovery/v1/EndpointSlice",
  "events/v1/Event",
  "networking/v1/Ingress",
  "networking/v1/IngressClass",
  "networking/v1/NetworkPolicy",
  "node/v1/RuntimeClass",
  "policy/v1/Eviction",
  "policy/v1/PodDisruptionBudget",
  "rbac/v1/ClusterRole",
  "rbac/v1/ClusterRoleBinding",
  "rbac/v1/Role",
  "rbac/v1/RoleBinding",
  "scheduling/v1/PriorityClass",
  "storage/v1/CSIDriver",
  "storage/v1/CSINode",
  "storage/v1/CSIStorageCapacity",
  "storage/v1/StorageClass",
  "storage/v1/VolumeAttachment",
  // meta/v1 and friends (served by the apiserver itself)
  "meta/v1/APIGroup",
  "meta/v1/APIGroupList",
  "meta/v1/APIResourceList",
  "meta/v1/APIVersions",
  "meta/v1/DeleteOptions",
  "meta/v1/Status",
  "meta/v1/WatchEvent",
  "version/Info",
];

/** Also emit `<Kind>List` for every root kind that has one (list responses in OpenAPI). */
const INCLUDE_LISTS = true;

/** int64 fields (Go `int64`); every other number of the Kubernetes API is an int32. */
const INT64_FIELDS = new Set([
  "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus.observedGeneration",
  "io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus.observedGeneration",
  "io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus.observedGeneration",
  "io.k8s.api.apiserverinternal.v1alpha1.StorageVersionCondition.observedGeneration",
  "io.k8s.api.apps.v1.ControllerRevision.revision",
  "io.k8s.api.apps.v1.DaemonSetStatus.observedGeneration",
  "io.k8s.api.apps.v1.DeploymentStatus.observedGeneration",
  "io.k8s.api.apps.v1.ReplicaSetStatus.observedGeneration",
  "io.k8s.api.apps.v1.StatefulSetStatus.observedGeneration",
  "io.k8s.api.authentication.v1.TokenRequestSpec.expirationSeconds",
  "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus.observedGeneration",
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus.observedGeneration",
  "io.k8s.api.batch.v1.CronJobSpec.startingDeadlineSeconds",
  "io.k8s.api.batch.v1.JobSpec.activeDeadlineSeconds",
  "io.k8s.api.core.v1.ContainerImage.sizeBytes",
  "io.k8s.api.core.v1.PodSecurityContext.fsGroup",
  "io.k8s.api.core.v1.PodSecurityContext.runAsGroup",
  "io.k8s.api.core.v1.PodSecurityContext.runAsUser",
  "io.k8s.api.core.v1.PodSecurityContext.supplementalGroups",
  "io.k8s.api.core.v1.PodSpec.activeDeadlineSeconds",
  "io.k8s.api.core.v1.PodSpec.terminationGracePeriodSeconds",
  "io.k8s.api.core.v1.Probe.terminationGracePeriodSeconds",
  "io.k8s.api.core.v1.ReplicationControllerStatus.observedGeneration",
  "io.k8s.api.core.v1.SecurityContext.runAsGroup",
  "io.k8s.api.core.v1.SecurityContext.runAsUser",
  "io.k8s.api.core.v1.ServiceAccountTokenProjection.expirationSeconds",
  "io.k8s.api.core.v1.SleepAction.seconds",
  "io.k8s.api.core.v1.Toleration.tolerationSeconds",
  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus.observedGeneration",
  "io.k8s.api.resource.v1alpha2.NamedResourcesAttribute.int",
  "io.k8s.api.resource.v1alpha2.NamedResourcesIntSlice.ints",
  "io.k8s.api.storage.v1.TokenRequest.expirationSeconds",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Condition.observedGeneration",
  "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions.gracePeriodSeconds",
  "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta.remainingItemCount",
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.deletionGracePeriodSeconds",
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.generation",
]);

/** float64 fields (Go `float64`): the only non-integers of the API. */
const FLOAT_FIELDS = new Set([
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.maximum",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.minimum",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.multipleOf",
]);

const JSON_SCHEMA_PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
const boolField = (name: string, doc: string) => ({ name, required: false, type: { k: "boolean" } as IR, doc });

/** Rule's resources and scope, which kubernetes-types drops where Go inlines Rule. */
const RULE_FIELDS: { name: string; required: boolean; type: IR; doc: string }[] = [
  {
    name: "resources",
    required: false,
    type: { k: "array", item: { k: "string" } },
    doc: "Resources is a list of resources this rule applies to.\n\nFor example: 'pods' means pods. 'pods/log' means the log subresource of pods. '*' means all resources, but not subresources. 'pods/*' means all subresources of pods. '*/scale' means all scale subresources. '*/*' means all resources and their subresources.",
  },
  {
    name: "scope",
    required: false,
    type: { k: "string" },
    doc: 'scope specifies the scope of this rule. Valid values are "Cluster", "Namespaced", and "*". Default is "*".',
  },
];

/**
 * Fields kubernetes-types marks required that the apiserver defaults when
 * they are missing, so a request may leave them out (SetDefaults_* of
 * Kubernetes 1.30): optional here, filled in by the kind's defaults.
 */
const DEFAULTED_FIELDS: Record<string, string[]> = {
  // SetDefaults_Job: a pod condition pattern's status defaults to True.
  "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": ["status"],
};

/**
 * Fields kubernetes-types 1.30.0 lacks although Kubernetes 1.30 has them (checked
 * against the Go structs of k8s.io/api release-1.30). Merged in sorted order.
 */
const MISSING_FIELDS: Record<string, { name: string; required: boolean; type: IR; doc: string }[]> = {
  // The x-kubernetes-* extensions of CRD schemas (JSONSchemaProps' XEmbeddedResource, ... XValidations).
  [JSON_SCHEMA_PROPS]: [
    boolField("x-kubernetes-embedded-resource", "x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta. The type must be object. It is allowed to further restrict the embedded object. kind, apiVersion and metadata are validated automatically. x-kubernetes-preserve-unknown-fields is allowed to be true, but does not have to be if the object is fully specified (up to kind, apiVersion, metadata)."),
    boolField("x-kubernetes-int-or-string", "x-kubernetes-int-or-string specifies that this value is either an integer or a string. If this is true, an empty type is allowed and type as child of anyOf is permitted if following one of the following patterns: 1) anyOf: - type: integer - type: string 2) allOf: - anyOf: - type: integer - type: string - ... zero or more"),
    { name: "x-kubernetes-list-map-keys", required: false, type: { k: "array", item: { k: "string" } }, doc: "x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map." },
    { name: "x-kubernetes-list-type", required: false, type: { k: "string" }, doc: "x-kubernetes-list-type annotates an array to further describe its topology: atomic, set or map." },
    { name: "x-kubernetes-map-type", required: false, type: { k: "string" }, doc: "x-kubernetes-map-type annotates an object to further describe its topology: granular or atomic." },
    boolField("x-kubernetes-preserve-unknown-fields", "x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema."),
    { name: "x-kubernetes-validations", required: false, type: { k: "array", item: { k: "ref", def: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule" } }, doc: "x-kubernetes-validations describes a list of validation rules written in the CEL expression language." },
  ],
  // Rule's fields, inlined into RuleWithOperations in Go.
  "io.k8s.api.admissionregistration.v1.RuleWithOperations": RULE_FIELDS,
  // The same inlined Rule in NamedRuleWithOperations (ValidatingAdmissionPolicy match rules).
  "io.k8s.api.admissionregistration.v1.NamedRuleWithOperations": RULE_FIELDS,
  "io.k8s.api.authorization.v1.ResourceRule": [
    {
      name: "resources",
      required: false,
      type: { k: "array", item: { k: "string" } },
      doc: 'Resources is a list of resources this rule applies to.  "*" means all in the specified apiGroups.\n "*/foo" represents the subresource \'foo\' for all resources in the specified apiGroups.',
    },
    {
      name: "verbs",
      required: true,
      type: { k: "array", item: { k: "string" } },
      doc: 'Verb is a list of kubernetes resource API verbs, like: get, list, watch, create, update, delete, proxy.  "*" means all.',
    },
  ],
};

const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const INT_OR_STRING_DOC =
  "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.";
/** meta/v1 kinds registered in every group-version (Kubernetes lists them all in their GVK extension). */
const META_EVERY_GROUP = new Set(["DeleteOptions", "WatchEvent"]);
/** Empty interfaces holding arbitrary JSON; other empty interfaces (FieldsV1, Patch) are JSON objects. */
const ANY_JSON = new Set(["io.k8s.apimachinery.pkg.runtime.RawExtension", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON"]);

const HEADER = (version: string) =>
  `// Code generated by scripts/gen-schemas.ts from kubernetes-types ${version}. DO NOT EDIT.\n` +
  `// Regenerate with: npx tsx scripts/gen-schemas.ts\n`;

// ---------------------------------------------------------------------------
// Reading kubernetes-types

type Decl = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

interface Module {
  path: string; // "core/v1", "meta/v1", "runtime", "api/resource"
  sf: ts.SourceFile;
  decls: Map<string, Decl>;
  imports: Map<string, { module: string; name: string }>;
}

function loadModules(typesDir: string): Map<string, Module> {
  const modules = new Map<string, Module>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) {
        if (entry !== "node_modules") walk(p);
      } else if (entry.endsWith(".d.ts")) {
        const path = relative(typesDir, p).split("\\").join("/").replace(/\.d\.ts$/, "");
        const sf = ts.createSourceFile(p, readFileSync(p, "utf8"), ts.ScriptTarget.Latest, true);
        const mod: Module = { path, sf, decls: new Map(), imports: new Map() };
        for (const st of sf.statements) {
          if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) mod.decls.set(st.name.text, st);
          else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
            const from = posix.normalize(posix.join(posix.dirname(path), st.moduleSpecifier.text));
            const bindings = st.importClause?.namedBindings;
            if (bindings && ts.isNamedImports(bindings)) {
              for (const el of bindings.elements) {
                mod.imports.set(el.name.text, { module: from, name: (el.propertyName ?? el.name).text });
              }
            }
          }
        }
        modules.set(path, mod);
      }
    }
  };
  walk(typesDir);
  return modules;
}

/** kubernetes-types module path → Kubernetes OpenAPI definition name prefix. */
function definitionPrefix(module: string): string {
  switch (module) {
    case "meta/v1":
      return "io.k8s.apimachinery.pkg.apis.meta.v1";
    case "runtime":
      return "io.k8s.apimachinery.pkg.runtime";
    case "api/resource":
      return "io.k8s.apimachinery.pkg.api.resource";
    case "util/intstr":
      return "io.k8s.apimachinery.pkg.util.intstr";
    case "version":
      return "io.k8s.apimachinery.pkg.version";
    case "apiextensions/v1":
      return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";
  }
  const m = /^([a-z0-9]+)\/(v[0-9a-z]+)$/.exec(module);
  if (!m) throw new Error(`no definition prefix for kubernetes-types module ${module}`);
  return `io.k8s.api.${m[1]}.${m[2]}`;
}

/** The doc comment right before a node, with the JSDoc decoration removed. */
function docOf(node: ts.Node): string | undefined {
  const text = node.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const range = [...ranges].reverse().find((r) => text.startsWith("/**", r.pos));
  if (!range) return undefined;
  const body = text.slice(range.pos + 3, range.end - 2);
  const doc = body
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").replace(/\s+$/, ""))
    .join("\n")
    .trim();
  return doc || undefined;
}

// ---------------------------------------------------------------------------
// Intermediate representation

type IR =
  | { k: "string" }
  | { k: "boolean" }
  | { k: "int"; format: "int32" | "int64" }
  | { k: "number" }
  | { k: "unknown" }
  | { k: "array"; item: IR }
  | { k: "map"; value: IR }
  | { k: "ref"; def: string }
  | { k: "enum"; values: string[] }
  | { k: "union"; options: IR[] }
  | { k: "quantity" }
  | { k: "intOrString" };

interface Field {
  name: string;
  required: boolean;
  type: IR;
  doc?: string;
}

interface Definition {
  name: string; // OpenAPI definition name
  module: string; // kubernetes-types module ("util/intstr" for the synthetic IntOrString)
  ident: string; // exported identifier in the generated module
  doc?: string;
  fields?: Field[]; // object types
  type?: IR; // non-object types
  gvk?: { group: string; version: string; kind: string }[];
}

export interface GenerateResult {
  files: Map<string, string>; // file name → content
  definitions: Definition[];
}

/** Builds the generated files in memory. */
export function render(typesDir = defaultTypesDir()): GenerateResult {
  const modules = loadModules(typesDir);
  const version = JSON.parse(readFileSync(join(typesDir, "package.json"), "utf8")).version as string;
  const defs = new Map<string, Definition>();
  const queue: { module: string; name: string }[] = [];

  const resolveName = (module: string, name: string): { module: string; name: string } => {
    const mod = modules.get(module);
    if (!mod) throw new Error(`unknown kubernetes-types module ${module}`);
    if (mod.decls.has(name)) return { module, name };
    const imp = mod.imports.get(name);
    if (imp) return resolveName(imp.module, imp.name);
    throw new Error(`cannot resolve ${name} in ${module}`);
  };
  const defName = (module: string, name: string) => `${definitionPrefix(module)}.${name}`;
  const enqueue = (module: string, name: string): string => {
    const target = resolveName(module, name);
    const def = defName(target.module, target.name);
    if (!defs.has(def)) {
      defs.set(def, { name: def, module: target.module, ident: target.name });
      queue.push(target);
    }
    return def;
  };

  const toIR = (node: ts.TypeNode, module: string, owner: string, field: string): IR => {
    const where = `${owner}.${field}`;
    if (ts.isParenthesizedTypeNode(node)) return toIR(node.type, module, owner, field);
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { k: "string" };
      case ts.SyntaxKind.BooleanKeyword:
        return { k: "boolean" };
      case ts.SyntaxKind.NumberKeyword:
        if (FLOAT_FIELDS.has(where)) return { k: "number" };
        return { k: "int", format: INT64_FIELDS.has(where) ? "int64" : "int32" };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        return { k: "unknown" };
    }
    if (ts.isArrayTypeNode(node)) return { k: "array", item: toIR(node.elementType, module, owner, field) };
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      if (name === "Array" && node.typeArguments?.length === 1) {
        return { k: "array", item: toIR(node.typeArguments[0], module, owner, field) };
      }
      return { k: "ref", def: enqueue(module, name) };
    }
    if (ts.isTypeLiteralNode(node)) {
      const [member, ...rest] = node.members;
      if (member && rest.length === 0 && ts.isIndexSignatureDeclaration(member) && member.type) {
        return { k: "map", value: toIR(member.type, module, owner, field) };
      }
      throw new Error(`${where}: unsupported type literal ${node.getText()}`);
    }
    const literals = ts.isUnionTypeNode(node) ? node.types : [node];
    if (literals.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) {
      // apiVersion/kind are checked by the apiserver itself, so accept any string.
      if (field === "apiVersion" || field === "kind") return { k: "string" };
      const values = literals.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text);
      return { k: "enum", values: [...new Set(values)].sort() };
    }
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (kinds.length === 2 && kinds[0] === ts.SyntaxKind.NumberKeyword && kinds[1] === ts.SyntaxKind.StringKeyword) {
        if (!defs.has(INT_OR_STRING)) {
          defs.set(INT_OR_STRING, {
            name: INT_OR_STRING,
            module: "util/intstr",
            ident: "IntOrString",
            doc: INT_OR_STRING_DOC,
            type: { k: "intOrString" },
          });
        }
        return { k: "ref", def: INT_OR_STRING };
      }
      return { k: "union", options: node.types.map((t) => toIR(t, module, owner, field)) };
    }
    throw new Error(`${where}: unsupported type ${node.getText()}`);
  };

  const literalOf = (decl: ts.InterfaceDeclaration, prop: string): string | undefined => {
    for (const m of decl.members) {
      if (ts.isPropertySignature(m) && m.name.getText() === prop && m.type && ts.isLiteralTypeNode(m.type)) {
        if (ts.isStringLiteral(m.type.literal)) return m.type.literal.text;
      }
    }
    return undefined;
  };

  // Roots (and their lists).
  const rootKinds: { module: string; kind: string }[] = [];
  for (const root of ROOTS) {
    const i = root.lastIndexOf("/");
    const module = root.slice(0, i);
    const kind = root.slice(i + 1);
    if (!modules.get(module)?.decls.has(kind)) throw new Error(`root ${root} not found in kubernetes-types`);
    rootKinds.push({ module, kind });
    if (INCLUDE_LISTS && module !== "meta/v1" && modules.get(module)?.decls.has(`${kind}List`)) {
      rootKinds.push({ module, kind: `${kind}List` });
    }
  }
  for (const { module, kind } of rootKinds) enqueue(module, kind);

  // Transitive closure.
  while (queue.length) {
    const { module, name } = queue.shift()!;
    const def = defs.get(defName(module, name))!;
    const decl = modules.get(module)!.decls.get(name)!;
    def.doc = docOf(decl);
    if (ts.isTypeAliasDeclaration(decl)) {
      def.type = def.name === "io.k8s.apimachinery.pkg.api.resource.Quantity" ? { k: "quantity" } : toIR(decl.type, module, def.name, "");
      continue;
    }
    if (decl.heritageClauses?.length) throw new Error(`${def.name}: interfaces with heritage are not supported`);
    if (decl.members.length === 0) {
      def.type = ANY_JSON.has(def.name) ? { k: "unknown" } : { k: "map", value: { k: "unknown" } };
      continue;
    }
    def.fields = decl.members.map((m) => {
      if (!ts.isPropertySignature(m) || !m.type) throw new Error(`${def.name}: unsupported member ${m.getText()}`);
      const name = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText();
      const defaulted = DEFAULTED_FIELDS[def.name]?.includes(name) ?? false;
      return { name, required: !m.questionToken && !defaulted, type: toIR(m.type, module, def.name, name), doc: docOf(m) };
    });
    for (const extra of MISSING_FIELDS[def.name] ?? []) {
      if (def.fields.some((f) => f.name === extra.name)) throw new Error(`MISSING_FIELDS: ${def.name}.${extra.name} exists now`);
      def.fields.push(extra);
      // A definition named only by an added field (ValidationRule) is emitted too; it lives in the owner's module.
      const item = extra.type.k === "array" ? extra.type.item : extra.type;
      if (item.k === "ref" && !defs.has(item.def)) enqueue(module, item.def.slice(item.def.lastIndexOf(".") + 1));
    }
    def.fields.sort((a, b) => cmp(a.name, b.name));
    const apiVersion = literalOf(decl, "apiVersion");
    const kind = literalOf(decl, "kind");
    if (apiVersion && kind && module !== "meta/v1") {
      const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
      def.gvk = [{ group, version, kind }];
    }
  }

  // GVKs of the meta/v1 kinds, the way Kubernetes publishes them.
  const groupVersions = new Map<string, { group: string; version: string }>();
  groupVersions.set("/v1", { group: "", version: "v1" });
  for (const d of defs.values()) for (const g of d.gvk ?? []) groupVersions.set(`${g.group}/${g.version}`, g);
  const everyGroup = [...groupVersions.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version));
  for (const d of defs.values()) {
    if (d.module !== "meta/v1") continue;
    const decl = modules.get("meta/v1")!.decls.get(d.ident)!;
    if (META_EVERY_GROUP.has(d.ident)) d.gvk = everyGroup.map((g) => ({ ...g, kind: d.ident }));
    else if (d.ident === "Status") d.gvk = [{ group: "", version: "v1", kind: "Status" }];
    else if (ts.isInterfaceDeclaration(decl) && literalOf(decl, "apiVersion") === "v1" && literalOf(decl, "kind")) {
      d.gvk = [{ group: "", version: "v1", kind: literalOf(decl, "kind")! }];
    }
  }

  for (const name of INT64_FIELDS) {
    const owner = name.slice(0, name.lastIndexOf("."));
    const field = name.slice(name.lastIndexOf(".") + 1);
    const d = defs.get(owner);
    if (d && !d.fields?.some((f) => f.name === field)) throw new Error(`INT64_FIELDS: ${name} does not exist`);
  }

  const sorted = [...defs.values()].sort((a, b) => cmp(a.name, b.name));
  return { files: emit(sorted, version), definitions: sorted };
}

// ---------------------------------------------------------------------------
// Emitting TypeScript

const fileOf = (module: string) => module.replace(/\//g, "-");
const aliasOf = (module: string) => fileOf(module).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const str = (s: string) => JSON.stringify(s);
const key = (s: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : str(s));

function emit(defs: Definition[], version: string): Map<string, string> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const byModule = new Map<string, Definition[]>();
  for (const d of defs) byModule.set(d.module, [...(byModule.get(d.module) ?? []), d]);
  const files = new Map<string, string>();

  for (const [module, list] of [...byModule].sort((a, b) => cmp(a[0], b[0]))) {
    const imports = new Set<string>();
    const helpers = new Set<string>();
    const code = (ir: IR): string => {
      switch (ir.k) {
        case "string":
          helpers.add("str");
          return "str";
        case "boolean":
          helpers.add("bool");
          return "bool";
        case "int":
          helpers.add(ir.format);
          return ir.format;
        case "number":
          helpers.add("num");
          return "num";
        case "unknown":
          helpers.add("unknown");
          return "unknown";
        case "array":
          helpers.add("arr");
          return `arr(${code(ir.item)})`;
        case "map":
          helpers.add("map");
          return `map(${code(ir.value)})`;
        case "enum":
          helpers.add("oneOf");
          return `oneOf([${ir.values.map(str).join(", ")}])`;
        case "union":
          helpers.add("union");
          return `union([${ir.options.map(code).join(", ")}])`;
        case "quantity":
          helpers.add("union").add("str").add("num");
          return "union([str, num])";
        case "intOrString":
          helpers.add("union").add("str").add("int32");
          return "union([str, int32])";
        case "ref": {
          const target = byName.get(ir.def)!;
          helpers.add("ref");
          if (target.module === module) return `ref(() => ${target.ident})`;
          imports.add(target.module);
          return `ref(() => ${aliasOf(target.module)}.${target.ident})`;
        }
      }
    };
    const body: string[] = [];
    for (const d of list) {
      let expr: string;
      if (d.fields) {
        helpers.add("obj");
        const lines = d.fields.map((f) => {
          const helper = f.required ? "req" : "opt";
          helpers.add(helper);
          const args = [code(f.type), ...(f.doc ? [str(f.doc)] : [])];
          return `  ${key(f.name)}: ${helper}(${args.join(", ")}),`;
        });
        expr = `obj({\n${lines.join("\n")}\n}${d.doc ? `, ${str(d.doc)}` : ""})`;
      } else {
        helpers.add("desc");
        expr = `desc(${code(d.type!)}${d.doc ? `, ${str(d.doc)}` : ""})`;
      }
      body.push(`/** ${d.name} */\nexport const ${d.ident}: Schema = ${expr};\n`);
    }
    const dsl = [...helpers].sort();
    const head = [
      HEADER(version),
      `import { ${["type Schema", ...dsl].join(", ")} } from "../dsl.js";`,
      ...[...imports].sort().map((m) => `import * as ${aliasOf(m)} from "./${fileOf(m)}.js";`),
      "",
    ];
    files.set(`${fileOf(module)}.ts`, `${head.join("\n")}\n${body.join("\n")}`);
  }

  // index.ts
  const modules = [...byModule.keys()].sort();
  const gvkEntries: string[] = [];
  const gvkToDef: [string, string][] = [];
  for (const d of defs) {
    if (!d.gvk) continue;
    gvkEntries.push(
      `  ${str(d.name)}: [${d.gvk.map((g) => `{ group: ${str(g.group)}, version: ${str(g.version)}, kind: ${str(g.kind)} }`).join(", ")}],`,
    );
    for (const g of d.gvk) gvkToDef.push([`${g.group}/${g.version}/${g.kind}`, d.name]);
  }
  gvkToDef.sort((a, b) => cmp(a[0], b[0]));
  const index = [
    HEADER(version),
    `import type { Schema } from "../dsl.js";`,
    ...modules.map((m) => `import * as ${aliasOf(m)} from "./${fileOf(m)}.js";`),
    "",
    `/** The kubernetes-types version the schemas were generated from. */`,
    `export const KUBERNETES_TYPES_VERSION = ${str(version)};`,
    "",
    `/** Every generated schema, by Kubernetes OpenAPI definition name. */`,
    `export const definitions: Record<string, Schema> = {`,
    ...defs.map((d) => `  ${str(d.name)}: ${aliasOf(d.module)}.${d.ident},`),
    `};`,
    "",
    `export interface GroupVersionKind {`,
    `  group: string;`,
    `  version: string;`,
    `  kind: string;`,
    `}`,
    "",
    `/** x-kubernetes-group-version-kind of the definitions that are API kinds. */`,
    `export const definitionGVKs: Record<string, GroupVersionKind[]> = {`,
    ...gvkEntries,
    `};`,
    "",
    '/** `${group}/${version}/${kind}` (group "" for core: "/v1/Pod") → definition name. */',
    `export const gvkToDefinition: Record<string, string> = {`,
    ...gvkToDef.map(([k, v]) => `  ${str(k)}: ${str(v)},`),
    `};`,
    "",
  ];
  files.set("index.ts", index.join("\n"));
  return files;
}

// ---------------------------------------------------------------------------
// CLI

function defaultTypesDir(): string {
  return join(repoRoot(), "node_modules", "kubernetes-types");
}

function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..");
}

/** Writes the generated files into outDir (replacing its previous content). */
export function generate(outDir: string, typesDir = defaultTypesDir()): GenerateResult {
  const result = render(typesDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [file, content] of result.files) writeFileSync(join(outDir, file), content);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? join(repoRoot(), "src", "schemas", "generated"));
  const { files, definitions } = generate(outDir);
  let bytes = 0;
  for (const content of files.values()) bytes += Buffer.byteLength(content);
  console.log(`wrote ${files.size} files, ${definitions.length} definitions, ${bytes} bytes to ${relative(process.cwd(), outDir) || "."}`);
}
