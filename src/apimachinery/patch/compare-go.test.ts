import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareGo } from "./compare-go.js";
import { fixtures, mutate, prng } from "./field-manager.scenarios.js";
import type { FieldSet } from "./fieldpath.js";
import { compare, withGoZeroValues, type Comparison } from "./typed.js";

/** A set as built, insertion order included, so the walks are shown to be the same. */
const dump = (s: FieldSet): unknown => [[...s.members], [...s.children].map(([pe, c]) => [pe, dump(c)])];
const dumpAll = (c: Comparison) => ({ added: dump(c.added), modified: dump(c.modified), removed: dump(c.removed) });

function outcome(f: () => Comparison): unknown {
  try {
    return dumpAll(f());
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

describe("compareGo", () => {
  it("equals compare of the zero-filled values, errors included, on random pairs", () => {
    const rnd = prng(42);
    let checked = 0;
    for (const f of fixtures()) {
      const states = [f.make(), ...f.next.map((n) => n(f.make()))];
      for (let i = 0; i < 400; i++) {
        const l: any = structuredClone(states[Math.floor(rnd() * states.length)]);
        const r: any = rnd() < 0.3 ? structuredClone(states[Math.floor(rnd() * states.length)]) : structuredClone(l);
        for (let n = Math.floor(rnd() * 4); n > 0; n--) mutate(rnd() < 0.5 ? l : r, rnd);
        if (rnd() < 0.05) r.metadata.labels = undefined; // an explicit undefined, as in-memory objects may have
        const lhs = rnd() < 0.1 ? undefined : rnd() < 0.1 ? {} : l;
        const slow = outcome(() => compare(withGoZeroValues(lhs, f.root), withGoZeroValues(r, f.root), f.root));
        assert.deepEqual(outcome(() => compareGo(lhs, r, f.root)), slow, `${f.name} #${i}`);
        checked++;
      }
    }
    assert.equal(checked, 1600);
  });
});
