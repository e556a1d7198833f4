/**
 * Whether an error means the database cannot be reached (refused, cut, shutting down), as
 * opposed to a statement that failed: the difference between "try again later" (503, and reads
 * keep being answered from the read model) and a bug (500).
 */
const CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // PostgreSQL: connection exceptions and shutdowns
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03',
]);

const MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect/i;

export function storeUnreachable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => storeUnreachable(x, depth + 1))) return true;
  return storeUnreachable(e.cause, depth + 1);
}
