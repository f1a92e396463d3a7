import { test } from "node:test";
import assert from "node:assert/strict";
import { Counter, Gauge, Histogram, exposition } from "./prom.js";

test("counters, gauges and histograms render in Prometheus' text format", () => {
  const c = new Counter("x_total", "Things.");
  c.inc({ verb: "GET", code: "200" });
  c.inc({ code: "200", verb: "GET" }, 2);
  c.inc({ verb: "POST", code: "201" });
  const g = new Gauge("y", "Level.");
  g.set({ q: 'a"b' }, 3);
  const h = new Histogram("z_seconds", "Time.", [0.1, 1]);
  h.observe({ verb: "GET" }, 0.05);
  h.observe({ verb: "GET" }, 0.5);
  h.observe({ verb: "GET" }, 5);
  const text = exposition([c, g, h]);
  assert.match(text, /# TYPE x_total counter\nx_total\{verb="GET",code="200"\} 3\nx_total\{verb="POST",code="201"\} 1/);
  assert.match(text, /y\{q="a\\"b"\} 3/);
  assert.match(text, /z_seconds_bucket\{verb="GET",le="0.1"\} 1\nz_seconds_bucket\{verb="GET",le="1"\} 2\nz_seconds_bucket\{verb="GET",le="\+Inf"\} 3\nz_seconds_sum\{verb="GET"\} 5.55\nz_seconds_count\{verb="GET"\} 3/);
});
