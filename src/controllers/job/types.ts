/** The Job shape the Job controller reads and writes. */
import type { JobSpec, JobStatus } from "kubernetes-types/batch/v1";
import type { KObject } from "../../registry/types.js";

export type Job = KObject & { spec: JobSpec; status?: JobStatus };
