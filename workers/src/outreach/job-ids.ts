/**
 * A write job's id: `write-<instance>-<message>` — keyed by the number too, so a message moved to another number
 * (failover) while the first number's write is still queued gets a write of its own.
 */
export const writeJobId = (instanceId: string, messageId: number) => `write-${instanceId}-${messageId}`;

/** The message id of a write job's id (see writeJobId); undefined for any other job. */
export function writeJobMessageId(jobId: string): number | undefined {
  if (!jobId.startsWith("write-")) return undefined;
  const id = Number(jobId.slice(jobId.lastIndexOf("-") + 1));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
