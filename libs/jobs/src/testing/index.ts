// @tailgate/jobs/testing: the conformance suite every job runner passes, and its test jobs.
export * from './describe-job-runner';
export * from './job-runs';
