/** Read the server, bearer token and CA of a kubeconfig's current context (yaml is loaded only here, so programs given --server/--token stay small). */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Connection } from "./kube-client.js";

export function loadKubeconfig(path: string): Connection {
  const cfg = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
    users?: { name: string; user: { token?: string } }[];
  };
  const ctx = cfg.contexts?.find((c) => c.name === cfg["current-context"])?.context ?? cfg.contexts?.[0]?.context;
  const cluster = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? cfg.clusters?.[0]?.cluster;
  const user = cfg.users?.find((u) => u.name === ctx?.user)?.user ?? cfg.users?.[0]?.user;
  if (!cluster?.server || !user?.token) throw new Error(`${path}: no server or token in the current context`);
  const caData = cluster["certificate-authority-data"];
  return { server: cluster.server, token: user.token, ca: caData ? Buffer.from(caData, "base64").toString("utf8") : undefined };
}
