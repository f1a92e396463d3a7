import { test } from "node:test";
import assert from "node:assert/strict";
import { ObjectCache } from "./object-cache.js";

const row = (name: string, rv: number) => JSON.stringify({ metadata: { name, resourceVersion: String(rv) } });

test("a row is parsed once per version, and a new version is a miss", () => {
  const c = new ObjectCache();
  let reveals = 0;
  const reveal = (name: string, rv: number) => () => (reveals++, row(name, rv));
  const a = c.get("pods", "a", 1, reveal("a", 1));
  const again = c.get("pods", "a", 1, reveal("a", 1));
  assert.equal(again, a);
  assert.equal(reveals, 1);
  const next = c.get("pods", "a", 2, reveal("a", 2));
  assert.equal(next.obj.metadata.resourceVersion, "2");
  assert.equal(reveals, 2);
  assert.equal(c.size, 1);
  // The same name under another resource is another object.
  c.get("configmaps", "a", 2, reveal("a", 2));
  assert.equal(reveals, 3);
  assert.deepEqual([c.hits, c.misses], [1, 3]);
});

test("the least recently used entry is dropped past the bound", () => {
  const c = new ObjectCache(2);
  c.get("pods", "a", 1, () => row("a", 1));
  c.get("pods", "b", 1, () => row("b", 1));
  c.get("pods", "a", 1, () => row("a", 1)); // a is now the most recent
  c.get("pods", "c", 1, () => row("c", 1)); // drops b
  let revealed = false;
  c.get("pods", "a", 1, () => ((revealed = true), row("a", 1)));
  assert.equal(revealed, false);
  c.get("pods", "b", 1, () => ((revealed = true), row("b", 1)));
  assert.equal(revealed, true);
  c.clear();
  assert.equal(c.size, 0);
});
