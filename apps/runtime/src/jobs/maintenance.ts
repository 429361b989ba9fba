import type { Db } from '../db/types';
import type { JobQueue } from './job-queue';

/** Name and schedule of the nightly clean-up of expired auth records. */
export const PURGE_EXPIRED_JOB = 'maintenance.purge-expired';
const PURGE_CRON = '17 3 * * *';

/**
 * Deletes auth records nobody can use any more: refresh sessions expired for 7 days, password
 * resets expired for 1 day, unaccepted invitations expired for 30 days. Returns what it removed.
 */
export async function purgeExpired(db: Db): Promise<{ sessions: number; passwordResets: number; invitations: number }> {
  return db.platform(async (tx) => {
    const sessions = await tx.query(`DELETE FROM sessions WHERE expires_at < now() - interval '7 days'`);
    const resets = await tx.query(`DELETE FROM password_resets WHERE expires_at < now() - interval '1 day'`);
    const invitations = await tx.query(
      `DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at < now() - interval '30 days'`,
    );
    return { sessions: sessions.rowCount, passwordResets: resets.rowCount, invitations: invitations.rowCount };
  });
}

/**
 * Registers the runtime's built-in jobs. Call before `jobs.start()`; then
 * {@link scheduleBuiltInJobs} after it. Feature jobs (answering, delivery, ingestion) register
 * beside these.
 */
export function registerBuiltInJobs(jobs: JobQueue, db: Db): void {
  jobs.register(PURGE_EXPIRED_JOB, async () => {
    await purgeExpired(db);
  }, { retryLimit: 3, concurrency: 1 });
}

/** Puts the built-in cron schedules in place (idempotent). */
export async function scheduleBuiltInJobs(jobs: JobQueue): Promise<void> {
  await jobs.schedule(PURGE_EXPIRED_JOB, PURGE_CRON);
}
