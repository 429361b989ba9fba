export { createJobQueue, type JobQueue, type CreateJobQueueOptions } from './job-queue';
export type { JobContext, JobHandler, QueueOptions, EnqueueOptions, DeadLetter, JobEnvelope } from './types';
export { registerBuiltInJobs, scheduleBuiltInJobs, purgeExpired, PURGE_EXPIRED_JOB } from './maintenance';
