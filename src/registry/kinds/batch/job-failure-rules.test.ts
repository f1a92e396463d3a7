import { test } from "node:test";
import assert from "node:assert/strict";
import type { JobSpec } from "kubernetes-types/batch/v1";
import { validateFailureRules } from "./job-failure-rules.js";
import { job } from "./job.js";
import type { KObject } from "../../types.js";

const template = (restartPolicy = "Never") => ({ spec: { restartPolicy, containers: [{ name: "main", image: "x" }] } });
const fields = (spec: Partial<JobSpec>) => validateFailureRules({ template: template(), ...spec } as JobSpec).map((e) => `${e.field}: ${e.message}`);

test("a valid podFailurePolicy and backoffLimitPerIndex pass", () => {
  assert.deepEqual(
    fields({
      completionMode: "Indexed",
      completions: 4,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 2,
      podReplacementPolicy: "Failed",
      podFailurePolicy: {
        rules: [
          { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [1, 42] } },
          { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          { action: "FailIndex", onExitCodes: { operator: "NotIn", values: [0] } },
        ],
      },
    }),
    [],
  );
});

test("podFailurePolicy needs restartPolicy Never, one requirement per rule, known actions, ordered non-zero In codes of real containers", () => {
  const errs = validateFailureRules({
    template: template("OnFailure"),
    podReplacementPolicy: "TerminatingOrFailed",
    podFailurePolicy: {
      rules: [
        { action: "FailIndex", onExitCodes: { containerName: "nope", operator: "In", values: [0, 3, 2, 2] } },
        { action: "Count", onExitCodes: { operator: "In", values: [1] }, onPodConditions: [{ type: "X", status: "True" }] },
        { action: "Bogus" },
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "Maybe" }] },
      ],
    },
  } as JobSpec).map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(errs, [
    'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
    'spec.podFailurePolicy.rules[0].action: Unsupported value: "FailIndex": supported values: "Count", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
    "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator",
    "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Invalid value: 2: must be ordered",
    "spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 2",
    'spec.podFailurePolicy.rules[1]: Invalid value: "": specifying both OnExitCodes and OnPodConditions is not supported',
    'spec.podFailurePolicy.rules[2].action: Unsupported value: "Bogus": supported values: "Count", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[2]: Invalid value: "": specifying one of OnExitCodes and OnPodConditions is required',
    'spec.podFailurePolicy.rules[3].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
  ]);
});

test("backoffLimitPerIndex needs an Indexed Job; maxFailedIndexes needs backoffLimitPerIndex and at most completions", () => {
  assert.deepEqual(fields({ backoffLimitPerIndex: 1 }), ["spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"]);
  assert.deepEqual(fields({ completionMode: "Indexed", completions: 2, maxFailedIndexes: 1 }), ["spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified"]);
  assert.deepEqual(fields({ completionMode: "Indexed", completions: 2, backoffLimitPerIndex: 0, maxFailedIndexes: 3 }), [
    "spec.maxFailedIndexes: Invalid value: 3: must be greater than or equal to 0 and less than or equal to completions",
  ]);
});

test("defaults: a podFailurePolicy makes podReplacementPolicy Failed and pattern status True; backoffLimitPerIndex makes backoffLimit unlimited", () => {
  const o = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { completionMode: "Indexed", completions: 2, backoffLimitPerIndex: 1, template: template(), podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] } } } as unknown as KObject;
  job.strategy!.defaults!(o);
  job.strategy!.prepareForCreate!(o, {} as never);
  const s = o.spec as JobSpec;
  assert.equal(s.podReplacementPolicy, "Failed");
  assert.equal(s.backoffLimit, 2147483647);
  assert.equal(s.podFailurePolicy?.rules[0].onPodConditions?.[0].status, "True");
  assert.deepEqual(job.strategy!.validate!(o), []);
});
