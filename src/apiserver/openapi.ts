/**
 * The OpenAPI documents kubectl reads: /openapi/v3 (an index of group
 * versions) and /openapi/v3/{api/v1 | apis/G/V} (paths + component schemas),
 * plus /openapi/v2 in JSON. kubectl uses them for `explain`, to find out that
 * the server validates fields itself (the fieldValidation parameter on PATCH
 * operations) and for apply's patch strategies. Built from the kind registry
 * and the generated schemas, once per isolate; custom resources' documents
 * from their CRDs' schemas, again whenever the CRDs change.
 */
import { groupVersions, registry, type GroupVersion } from "../registry/index.js";
import { ALL_VERBS, type KindDef } from "../registry/types.js";
import { getDefinitions, getSwaggerDefinitions } from "../schemas/openapi.js";
import { versionInfo } from "./version.js";
import { encodeOpenAPIv2 } from "./openapi-proto.js";

type Json = Record<string, unknown>;

const ref3 = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

function queryParam(name: string, description: string, type = "string") {
  return { name, in: "query", description, schema: { type, uniqueItems: true } };
}
const P = {
  dryRun: queryParam("dryRun", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed"),
  fieldManager: queryParam("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
  fieldValidation: queryParam("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"),
  force: queryParam("force", "Force is going to \"force\" Apply requests.", "boolean"),
  pretty: queryParam("pretty", "If 'true', then the output is pretty printed."),
  labelSelector: queryParam("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
  fieldSelector: queryParam("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
  limit: queryParam("limit", "limit is a maximum number of responses to return for a list call.", "integer"),
  continue: queryParam("continue", "The continue option should be set when retrieving more results from the server."),
  resourceVersion: queryParam("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from."),
  timeoutSeconds: queryParam("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
  watch: queryParam("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", "boolean"),
  allowWatchBookmarks: queryParam("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\".", "boolean"),
  gracePeriodSeconds: queryParam("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", "integer"),
  propagationPolicy: queryParam("propagationPolicy", "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
  name: (what: string) => ({ name: "name", in: "path", required: true, description: `name of the ${what}`, schema: { type: "string", uniqueItems: true } }),
  namespace: { name: "namespace", in: "path", required: true, description: "object name and auth scope, such as for teams and projects", schema: { type: "string", uniqueItems: true } },
};

const jsonContent = (schema: Json) => ({ "application/json": { schema }, "application/yaml": { schema } });

function op(kind: KindDef, action: string, opId: string, params: Json[], responseSchema: Json, body?: Json, gvk = { group: kind.group, version: kind.version, kind: kind.kind }) {
  const o: Json = {
    tags: [`${kind.group || "core"}_${kind.version}`],
    description: `${action} ${kind.kind}`,
    operationId: opId,
    parameters: params,
    responses: { "200": { description: "OK", content: jsonContent(responseSchema) }, "401": { description: "Unauthorized" } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
  };
  if (body) o.requestBody = { content: body, required: true };
  return o;
}

function pathsFor(gv: GroupVersion): Json {
  const paths: Json = {};
  const prefix = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
  for (const k of gv.kinds) {
    const verbs = k.verbs ?? ALL_VERBS;
    const id = `${k.group ? k.group.split(".")[0] : "core"}${k.version}${k.kind}`;
    const self = ref3(k.schemaName);
    const list = ref3(`${k.schemaName}List`);
    const base = k.namespaced ? `${prefix}/namespaces/{namespace}/${k.plural}` : `${prefix}/${k.plural}`;
    const scope: Json[] = k.namespaced ? [P.namespace] : [];
    const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation, P.pretty];
    const collection: Json = { parameters: [...scope, P.pretty] };
    if (verbs.includes("list")) collection.get = op(k, "list", `list${id}`, [P.labelSelector, P.fieldSelector, P.limit, P.continue, P.resourceVersion, P.timeoutSeconds, P.watch, P.allowWatchBookmarks], list);
    if (verbs.includes("create")) collection.post = op(k, "post", `create${id}`, writeParams, self, jsonContent(self));
    if (verbs.includes("deletecollection")) collection.delete = op(k, "deletecollection", `deletecollection${id}`, [P.labelSelector, P.fieldSelector, P.gracePeriodSeconds, P.propagationPolicy, P.dryRun], ref3(`${META}.Status`));
    paths[base] = collection;
    const item: Json = { parameters: [P.name(k.kind), ...scope, P.pretty] };
    if (verbs.includes("get")) item.get = op(k, "get", `read${id}`, [], self);
    if (verbs.includes("update")) item.put = op(k, "put", `replace${id}`, writeParams, self, jsonContent(self));
    if (verbs.includes("patch")) item.patch = op(k, "patch", `patch${id}`, [...writeParams, P.force], self, patchContent(k));
    if (verbs.includes("delete")) item.delete = op(k, "delete", `delete${id}`, [P.gracePeriodSeconds, P.propagationPolicy, P.dryRun], ref3(`${META}.Status`));
    paths[`${base}/{name}`] = item;
    if (k.subresources?.status) {
      paths[`${base}/{name}/status`] = {
        parameters: [P.name(k.kind), ...scope, P.pretty],
        get: op(k, "get", `read${id}Status`, [], self),
        put: op(k, "put", `replace${id}Status`, writeParams, self, jsonContent(self)),
        patch: op(k, "patch", `patch${id}Status`, [...writeParams, P.force], self, patchContent(k)),
      };
    }
    if (k.subresources?.scale) {
      const scale = ref3("io.k8s.api.autoscaling.v1.Scale");
      const gvk = { group: "autoscaling", version: "v1", kind: "Scale" };
      paths[`${base}/{name}/scale`] = {
        parameters: [P.name("Scale"), ...scope, P.pretty],
        get: op(k, "get", `read${id}Scale`, [], scale, undefined, gvk),
        put: op(k, "put", `replace${id}Scale`, writeParams, scale, jsonContent(scale), gvk),
        patch: op(k, "patch", `patch${id}Scale`, [...writeParams, P.force], scale, patchContent(k), gvk),
      };
    }
    if (k.namespaced && verbs.includes("list")) {
      paths[`${prefix}/${k.plural}`] = { parameters: [P.pretty], get: op(k, "list", `list${id}ForAllNamespaces`, [P.labelSelector, P.fieldSelector, P.limit, P.continue, P.resourceVersion, P.watch], list) };
    }
  }
  return paths;
}

/** The patch types a kind accepts: custom resources have no strategic merge patch (no Go struct tags), as in Kubernetes. */
function patchContent(k: KindDef): Json {
  const schema = ref3(`${META}.Patch`);
  return {
    "application/apply-patch+yaml": { schema },
    "application/json-patch+json": { schema },
    "application/merge-patch+json": { schema },
    ...(k.custom ? {} : { "application/strategic-merge-patch+json": { schema } }),
  };
}

/** Every definition reachable from the given roots through $refs. */
function closure(defs: Record<string, Json>, roots: string[], refPrefix: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop()!;
    if (out[name] || !defs[name]) continue;
    out[name] = defs[name];
    JSON.stringify(defs[name], (key, value) => {
      if (key === "$ref" && typeof value === "string" && value.startsWith(refPrefix)) stack.push(value.slice(refPrefix.length));
      return value;
    });
  }
  return out;
}

function rootsOf(gv: GroupVersion): string[] {
  const roots = [`${META}.Status`, `${META}.Patch`, `${META}.DeleteOptions`, `${META}.WatchEvent`];
  for (const k of gv.kinds) {
    roots.push(k.schemaName, `${k.schemaName}List`);
    if (k.subresources?.scale) roots.push("io.k8s.api.autoscaling.v1.Scale");
    for (const a of Object.values(k.subresources?.actions ?? {})) if (a.schemaName) roots.push(a.schemaName);
  }
  return roots;
}

const gvPath = (gv: GroupVersion) => (gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`);

/**
 * A custom kind's definitions as Kubernetes publishes them: the CRD version's
 * schema with type meta and ObjectMeta added, and its list.
 */
function customDefinitions(gvs: GroupVersion[], refPrefix: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const gv of gvs) {
    for (const k of gv.kinds) {
      const gvk = { group: k.group, version: k.version, kind: k.kind };
      const schema = (k.custom?.schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }) as Json;
      const props = (schema.properties ?? {}) as Json;
      out[k.schemaName] = {
        ...schema,
        type: "object",
        properties: {
          apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object." },
          kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents." },
          metadata: { allOf: [{ $ref: `${refPrefix}${META}.ObjectMeta` }], description: "Standard object's metadata." },
          ...Object.fromEntries(Object.entries(props).filter(([n]) => n !== "apiVersion" && n !== "kind" && n !== "metadata")),
        },
        "x-kubernetes-group-version-kind": [gvk],
      };
      out[`${k.schemaName}List`] = {
        type: "object",
        description: `${k.custom?.listKind ?? `${k.kind}List`} is a list of ${k.kind}`,
        required: ["items"],
        properties: {
          apiVersion: { type: "string" },
          items: { type: "array", items: { $ref: `${refPrefix}${k.schemaName}` } },
          kind: { type: "string" },
          metadata: { allOf: [{ $ref: `${refPrefix}${META}.ListMeta` }] },
        },
        "x-kubernetes-group-version-kind": [{ ...gvk, kind: k.custom?.listKind ?? `${k.kind}List` }],
      };
    }
  }
  return out;
}

const isCustom = (gv: GroupVersion) => !!gv.kinds[0]?.custom;

let v3Docs: Map<string, { body: string; hash: string }> | undefined;
let v3Custom: { generation: number; docs: Map<string, { body: string; hash: string }> } | undefined;

async function sha(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32).toUpperCase();
}

async function v3DocsOf(gvs: GroupVersion[], defs: Record<string, Json>): Promise<Map<string, { body: string; hash: string }>> {
  const docs = new Map<string, { body: string; hash: string }>();
  for (const gv of gvs) {
    const doc = {
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: versionInfo.gitVersion },
      paths: pathsFor(gv),
      components: { schemas: closure(defs, rootsOf(gv), "#/components/schemas/") },
    };
    const body = JSON.stringify(doc);
    docs.set(gvPath(gv), { body, hash: await sha(body) });
  }
  return docs;
}

async function buildV3(): Promise<Map<string, { body: string; hash: string }>> {
  const all = groupVersions();
  v3Docs ??= await v3DocsOf(all.filter((gv) => !isCustom(gv)), getDefinitions() as Record<string, Json>);
  const custom = all.filter(isCustom);
  if (!custom.length) return v3Docs;
  const generation = registry.customGeneration();
  if (v3Custom?.generation !== generation) {
    const defs = { ...(getDefinitions() as Record<string, Json>), ...customDefinitions(custom, "#/components/schemas/") };
    v3Custom = { generation, docs: await v3DocsOf(custom, defs) };
  }
  return new Map([...v3Docs, ...v3Custom.docs]);
}

/** GET /openapi/v3: the index of group-version documents. */
export async function openapiV3Index(): Promise<string> {
  const docs = await buildV3();
  const paths: Json = {};
  for (const [p, d] of docs) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
  return JSON.stringify({ paths });
}

/** GET /openapi/v3/{api/v1 | apis/G/V}; undefined when there is no such group version. */
export async function openapiV3Doc(path: string): Promise<{ body: string; hash: string } | undefined> {
  return (await buildV3()).get(path);
}

let v2Doc: { generation: number; doc: string } | undefined;

/** GET /openapi/v2 as JSON (Swagger 2.0): paths rewritten from v3. */
export function openapiV2(): string {
  const generation = registry.customGeneration();
  if (v2Doc?.generation === generation) return v2Doc.doc;
  const all = groupVersions();
  const defs = { ...(getSwaggerDefinitions() as Record<string, Json>), ...customDefinitions(all.filter(isCustom), "#/definitions/") };
  const paths: Json = {};
  for (const gv of all) {
    for (const [p, item] of Object.entries(pathsFor(gv))) {
      paths[p] = JSON.parse(
        JSON.stringify(item, (key, value) => {
          if (key === "requestBody" || key === "content") return undefined;
          // v2 parameters carry their type directly, not in a schema.
          if (key === "parameters" && Array.isArray(value)) return value.map(({ schema, ...rest }: Json) => ({ ...rest, ...(schema as Json) }));
          return value;
        }).replaceAll("#/components/schemas/", "#/definitions/"),
      );
    }
  }
  v2Doc = { generation, doc: JSON.stringify({ swagger: "2.0", info: { title: "Kubernetes", version: versionInfo.gitVersion }, paths, definitions: defs }) };
  return v2Doc.doc;
}

let v2Proto: { generation: number; doc: Uint8Array } | undefined;

/** GET /openapi/v2 as gnostic protobuf (kubectl before 1.29). */
export function openapiV2Proto(): Uint8Array {
  const generation = registry.customGeneration();
  if (v2Proto?.generation !== generation) v2Proto = { generation, doc: encodeOpenAPIv2(JSON.parse(openapiV2()) as Json) };
  return v2Proto.doc;
}
