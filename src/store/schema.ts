/**
 * The SQLite schema of one store Durable Object (one per namespace, one for
 * cluster-scoped kinds). Migrations in migrations/ are generated from this
 * file by drizzle-kit (`npm run db:generate`).
 *
 * - objects: the current state, one row per object, the serialised JSON kept
 *   as text so reads and watch fan-out reuse the bytes without re-encoding.
 * - events: the change log that watches resume from (bounded; see compaction
 *   in object-store.ts). Its rv is the object's new resourceVersion.
 * - meta: small key/value state (lifecycle, compaction horizon).
 */
import { sqliteTable, text, integer, primaryKey, index } from "drizzle-orm/sqlite-core";

export const objects = sqliteTable(
  "objects",
  {
    resource: text("resource").notNull(),
    name: text("name").notNull(),
    uid: text("uid").notNull(),
    rv: integer("rv").notNull(),
    data: text("data").notNull(),
  },
  // uid: the garbage collector finds an owner by uid (a dependent's deletion can let a foreground owner go).
  (t) => [primaryKey({ columns: [t.resource, t.name] }), index("objects_uid").on(t.uid)],
);

export const events = sqliteTable(
  "events",
  {
    rv: integer("rv").primaryKey(),
    resource: text("resource").notNull(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("events_resource_rv").on(t.resource, t.rv)],
);

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Which objects name which owner (by uid): the garbage collector's index, so
 * cascading deletion inside a namespace never scans every object.
 */
export const ownerRefs = sqliteTable(
  "owner_refs",
  {
    ownerUid: text("owner_uid").notNull(),
    resource: text("resource").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerUid, t.resource, t.name] })],
);
