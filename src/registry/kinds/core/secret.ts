/** core/v1 Secret: like a ConfigMap, base64 data; stringData is folded into data on write. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";
import { isBase64, toBase64 } from "../../../apimachinery/bytes.js";

type S = { type?: string; data?: Record<string, string>; stringData?: Record<string, string>; immutable?: boolean };

/** UTF-8 safe base64 of a string (btoa alone only takes Latin-1). */
export function base64(s: string): string {
  return toBase64(new TextEncoder().encode(s));
}

export const secret: KindDef = {
  group: "",
  version: "v1",
  kind: "Secret",
  plural: "secrets",
  singular: "secret",
  namespaced: true,
  schemaName: "io.k8s.api.core.v1.Secret",
  schema: definitions["io.k8s.api.core.v1.Secret"],
  fieldSelectors: { type: (o) => (o as S).type },
  columns: [
    nameColumn,
    { name: "Type", type: "string", description: "The type of the secret", cell: (o) => (o as S).type ?? "" },
    { name: "Data", type: "integer", description: "The number of entries in the secret data", cell: (o) => Object.keys((o as S).data ?? {}).length },
    ageColumn,
  ],
  strategy: {
    defaults(o) {
      const s = o as S;
      s.type ||= "Opaque";
      if (s.stringData) {
        s.data ??= {};
        for (const [k, v] of Object.entries(s.stringData)) s.data[k] = base64(v);
        delete s.stringData;
      }
    },
    validate(o) {
      const errs: FieldError[] = [];
      for (const [k, v] of Object.entries((o as S).data ?? {})) {
        if (typeof v !== "string" || !isBase64(v)) errs.push(fieldErrors.invalid(`data[${k}]`, "<secret contents redacted>", "illegal base64 data"));
      }
      return errs;
    },
    validateUpdate(o, old) {
      const a = o as S;
      const b = old as S;
      const errs: FieldError[] = [];
      if (a.type !== b.type) errs.push(fieldErrors.invalid("type", a.type, "field is immutable"));
      if (b.immutable && (!a.immutable || !deepEqual(a.data, b.data))) errs.push(fieldErrors.forbidden("data", "field is immutable when `immutable` is set"));
      return errs;
    },
  },
};
