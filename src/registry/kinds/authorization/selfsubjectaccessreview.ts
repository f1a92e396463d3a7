/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview: may the calling user do one thing. Create-only and never
 * stored: the apiserver answers it from the authorizer (src/authz/reviews.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const selfSubjectAccessReview: KindDef = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SelfSubjectAccessReview",
  plural: "selfsubjectaccessreviews",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  schemaName: "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
  schema: definitions["io.k8s.api.authorization.v1.SelfSubjectAccessReview"],
  verbs: ["create"],
  virtual: true,
  columns: [nameColumn],
};
