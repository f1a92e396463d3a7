import { test } from "node:test";
import assert from "node:assert/strict";
import { requestUri } from "./request-info.js";

test("requestUri is the URL's pathname and search, without parsing it again", () => {
  for (const raw of [
    "https://127.0.0.1:8787/api/v1/namespaces/dev/pods?labelSelector=app%3Dweb&limit=500",
    "https://example.com/",
    "https://example.com",
    "http://[::1]:8080/apis/apps/v1/deployments?watch=1&resourceVersion=12",
    "https://h/api/v1/namespaces/a/configmaps/x y?fieldSelector=metadata.name=a b",
  ]) {
    const url = new Request(raw).url;
    const u = new URL(url);
    assert.equal(requestUri(url), u.pathname + u.search, raw);
  }
  // An empty query stays as sent (Kubernetes' audit requestURI is the URI as requested).
  assert.equal(requestUri(new Request("https://h:1/openapi/v3?").url), "/openapi/v3?");
});
