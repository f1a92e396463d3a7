import { test } from "node:test";
import assert from "node:assert/strict";
import { SharedCopy, type SharedListSource } from "./shared-copy.js";

/** A cluster store stand-in counting its calls; each answer waits for release(). */
function source(items: string[]) {
  let version = "v1";
  const waiting: (() => void)[] = [];
  const s = {
    calls: 0,
    fail: false,
    setItems(next: string[], v: string) {
      items = next;
      version = v;
    },
    release: () => waiting.splice(0).forEach((w) => w()),
    sharedList: async (_r: string, known: string) => {
      s.calls++;
      await new Promise<void>((r) => waiting.push(r));
      if (s.fail) throw new Error("unreachable");
      return known === version ? { version } : { version, items };
    },
  };
  return s;
}

test("the first load makes every caller wait for the items; later, writes arriving during a refresh use the copy instead of asking again", async () => {
  const copy = new SharedCopy("validatingwebhookconfigurations.admissionregistration.k8s.io", 50);
  const src = source([JSON.stringify({ metadata: { name: "a" } })]);
  const get = (): SharedListSource => src;
  // Never loaded: both ask (neither may go on without the items).
  const first = [copy.refresh(get), copy.refresh(get)];
  assert.equal(src.calls, 2);
  src.release();
  assert.deepEqual(await Promise.all(first), [true, true]);
  assert.equal(copy.items[0].metadata.name, "a");

  // Fresh (within the TTL): no call at all.
  assert.equal(await copy.refresh(get), false);
  assert.equal(src.calls, 2);

  // Stale: a burst of writes makes one call; the others keep the copy meanwhile (no thundering herd).
  await new Promise((r) => setTimeout(r, 60));
  src.setItems([JSON.stringify({ metadata: { name: "b" } })], "v2");
  const asking = copy.refresh(get);
  const others = await Promise.all([copy.refresh(get), copy.refresh(get)]);
  assert.deepEqual(others, [false, false]);
  assert.equal(src.calls, 3, "one call for the burst");
  assert.equal(copy.items[0].metadata.name, "a", "they saw the copy as it was");
  src.release();
  assert.equal(await asking, true);
  assert.equal(copy.items[0].metadata.name, "b");
});

test("a refresh that fails leaves the copy stale, so the next caller asks again", async () => {
  const copy = new SharedCopy("priorityclasses.scheduling.k8s.io", 50);
  const src = source([]);
  const get = (): SharedListSource => src;
  const p = copy.refresh(get);
  src.release();
  await p;
  // The copy goes stale; a refresh then fails.
  await new Promise((r) => setTimeout(r, 60));
  src.fail = true;
  const failing = copy.refresh(get, true);
  src.release();
  await assert.rejects(failing, /unreachable/);
  src.fail = false;
  const again = copy.refresh(get);
  assert.equal(src.calls, 3, "asked again after the failure");
  src.release();
  await again;
});
