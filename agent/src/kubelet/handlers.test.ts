import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { ContainerInfo, Runtime } from "../runtime/types.js";
import { NodeStatusError } from "../tunnel/types.js";
import { nodeHandlers } from "./handlers.js";

const pod: Pod = { metadata: { name: "web", namespace: "ns" }, spec: { containers: [{ name: "app", image: "busybox" }] } };
const info = (state: ContainerInfo["state"]): ContainerInfo => ({ id: "c1", labels: {}, image: "busybox", imageId: "sha256:x", state, createdAt: "2026-01-01T00:00:00Z" });

test("exec into a container that stopped since it was observed says it is not running, as the kubelet does", async () => {
  // The engine's own answer when the container stopped between the kubelet's last look and the exec
  // (a terminating pod): a race too narrow to cause on purpose, so the runtime is faked here; the real
  // exec path runs against Podman in test/e2e.
  const runtime = { exec: async () => Promise.reject(new Error("POST /containers/c1/exec: can only create exec sessions on running containers: container state improper (engine answered 500)")) } as unknown as Runtime;
  const handlers = nodeHandlers({ lookup: () => ({ pod, observed: { containers: new Map([["app", [info("running")]]]) } }) }, runtime);
  await assert.rejects(
    handlers.exec({ namespace: "ns", pod: "web", container: "app", command: ["sh"], stdin: false, stdout: true, stderr: true, tty: false }),
    (e: unknown) => e instanceof NodeStatusError && e.code === 400 && e.message === "container app is not running in pod web",
  );
  const stopped = nodeHandlers({ lookup: () => ({ pod, observed: { containers: new Map([["app", [info("exited")]]]) } }) }, runtime);
  await assert.rejects(stopped.exec({ namespace: "ns", pod: "web", container: "app", command: ["sh"], stdin: false, stdout: true, stderr: true, tty: false }), /container app is not running in pod web/);
});
