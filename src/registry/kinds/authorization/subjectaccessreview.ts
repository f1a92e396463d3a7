/**
 * authorization.k8s.io/v1 SubjectAccessReview: may a given user (and groups) do one thing. Create-only and never
 * stored: the apiserver answers it from the authorizer (src/authz/reviews.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const subjectAccessReview: KindDef = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SubjectAccessReview",
  plural: "subjectaccessreviews",
  singular: "subjectaccessreview",
  namespaced: false,
  schemaName: "io.k8s.api.authorization.v1.SubjectAccessReview",
  schema: definitions["io.k8s.api.authorization.v1.SubjectAccessReview"],
  verbs: ["create"],
  virtual: true,
  columns: [nameColumn],
};
