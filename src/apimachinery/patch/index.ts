/**
 * Patch and apply: the four ways a client can change an object besides
 * replacing it (JSON patch, merge patch, strategic merge patch, server-side
 * apply), and the managedFields bookkeeping of every write.
 */
export { applyJsonPatch } from "./json-patch.js";
export { applyMergePatch } from "./merge-patch.js";
export { applyStrategicMergePatch } from "./strategic-merge-patch.js";
export { applyServerSide, managedFieldsAfterUpdate, managerFromUserAgent, updateManagedFields, type ApplyOptions, type UpdateOptions } from "./field-manager.js";
export { typeRefOf, type TypeRef } from "./schema-walk.js";
