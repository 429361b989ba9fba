export { createJobQueue, type JobQueue, type CreateJobQueueOptions } from './job-queue';
export type { JobContext, JobHandler, QueueOptions, EnqueueOptions, DeadLetter, JobEnvelope } from './types';
