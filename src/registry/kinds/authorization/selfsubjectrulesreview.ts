/**
 * authorization.k8s.io/v1 SelfSubjectRulesReview: every permission the calling user holds in a namespace (kubectl auth can-i --list). Create-only and never
 * stored: the apiserver answers it from the authorizer (src/authz/reviews.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const selfSubjectRulesReview: KindDef = {
  group: "authorization.k8s.io",
  version: "v1",
  kind: "SelfSubjectRulesReview",
  plural: "selfsubjectrulesreviews",
  singular: "selfsubjectrulesreview",
  namespaced: false,
  schemaName: "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
  schema: definitions["io.k8s.api.authorization.v1.SelfSubjectRulesReview"],
  verbs: ["create"],
  virtual: true,
  columns: [nameColumn],
};
