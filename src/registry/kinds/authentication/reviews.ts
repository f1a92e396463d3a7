/**
 * authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`) and
 * TokenReview: create-only, nothing stored; the apiserver answers them from
 * the request's user or the token under review (src/auth/reviews.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

const review = (kind: string, plural: string): KindDef => ({
  group: "authentication.k8s.io",
  version: "v1",
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced: false,
  schemaName: `io.k8s.api.authentication.v1.${kind}`,
  schema: definitions[`io.k8s.api.authentication.v1.${kind}`],
  verbs: ["create"],
  virtual: true,
  columns: [nameColumn],
});

export const selfSubjectReview = review("SelfSubjectReview", "selfsubjectreviews");
export const tokenReview = review("TokenReview", "tokenreviews");
