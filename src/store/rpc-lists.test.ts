import { test } from "node:test";
import assert from "node:assert/strict";
import { fitForRpc, listItems, rpcBudget, RPC_ITEM_CHARS } from "./rpc-lists.js";

const item = (i: number, size: number) => JSON.stringify({ metadata: { name: `cm${i}` }, data: { blob: "x".repeat(size), multi: "line\nbreaks \u00e9\u4e2d" } });

test("a list that fits one RPC is sent as it is", async () => {
  const r = { items: [item(1, 10), item(2, 10)], rv: 7 };
  const out = fitForRpc(r, rpcBudget());
  assert.equal(out, r);
  assert.deepEqual(await listItems(out), r.items);
});

test("items past the budget travel as a stream and come back item for item", async () => {
  // 40 objects of ~900 KB: 36 MB, past the 32 MiB RPC limit; chunks of about 1 MiB hold one or two of them.
  const items = Array.from({ length: 40 }, (_, i) => item(i, 900_000));
  const out = fitForRpc({ items, rv: 9, last: "cm39" }, rpcBudget());
  assert.deepEqual(out.items, []);
  assert.ok(out.itemStream);
  assert.equal(out.rv, 9);
  assert.equal(out.last, "cm39");
  const back = await listItems(out);
  assert.equal(back.length, 40);
  assert.deepEqual(back, items);
});

test("the lists of one call share the budget", async () => {
  const budget = rpcBudget();
  const half = Array.from({ length: 6 }, (_, i) => item(i, Math.floor(RPC_ITEM_CHARS / 10)));
  const first = fitForRpc({ items: half, rv: 1 }, budget);
  const second = fitForRpc({ items: half, rv: 1 }, budget);
  assert.equal(first.itemStream, undefined, "the first fits");
  assert.ok(second.itemStream, "together they would not");
  assert.deepEqual(await listItems(second), half);
  assert.deepEqual(await listItems(fitForRpc({ items: [], rv: 1 }, { chars: -1 })), []);
});
