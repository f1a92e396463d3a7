#!/usr/bin/env node
// The node agent's command (`edgeplane-agent --server URL --token TOKEN`): runs agent/src/main.ts through tsx.
import { register } from "tsx/esm/api";
register();
await import("../agent/src/main.ts");
