// Reconciliation of flow taps as a job (issue 15, item 3), and the RBAC that job needs.
export type { TapJobs } from '../tap-demand';
export { FLOW_TAP_JOB_RBAC } from './flow-tap-job-rbac';
export { addTapJobs, MAX_ROUNDS, RECONCILE_JOB, RECONCILE_JOB_ID } from './tap-jobs';
export { FLOWS_MISSING_METRIC, REFS_RESTORED_METRIC } from './reconcile-metrics';
export {
  GENERATION_ANNOTATION,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  outputName,
  secretName,
  TAP_KEY_ANNOTATION,
  TAP_LABEL,
  tapId,
} from './tap-object-names';
export { ingestEndpoint, INGEST_PATH, PASSWORD_KEY, USERNAME_KEY } from './tap-output-spec';
