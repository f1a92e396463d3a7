/**
 * authorization.k8s.io/v1 LocalSubjectAccessReview: a SubjectAccessReview
 * scoped to one namespace (namespace admins may ask it about their own
 * namespace). Create-only and never stored: answered by the authorizer
 * (src/authz/reviews.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const localSubjectAccessReview: KindDef = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "LocalSubjectAccessReview",
  plural: "localsubjectaccessreviews",
  singular: "localsubjectaccessreview",
  namespaced: true,
  schemaName: "io.k8s.api.authorization.v1.LocalSubjectAccessReview",
  schema: definitions["io.k8s.api.authorization.v1.LocalSubjectAccessReview"],
  verbs: ["create"],
  virtual: true,
  columns: [nameColumn],
};
