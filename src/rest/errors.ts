import { StoreBusyError } from '../store/write.js';

/**
 * Every error Roster puts on the wire: stable code, HTTP status, default text. Texts are
 * upstream's where upstream has one, so that clients matching on them keep working.
 */
export const ERRORS = {
  ERROR_METHOD_NOT_FOUND: { status: 404, message: 'Method not found!' },
  NO_AUTH_FOUND: { status: 401, message: 'Wrong authorization data' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid request credentials' },
  expired_token: { status: 401, message: 'The access token provided has expired' },
  invalid_token: { status: 401, message: 'The access token provided is invalid' },
  insufficient_scope: { status: 403, message: 'The request requires higher privileges than provided by the webhook token' },
  ACCESS_DENIED: { status: 403, message: 'Access denied!' },
  ACCESS_ERROR: { status: 403, message: 'Only intranet users have access to this method.' },
  INVALID_FORMAT: { status: 400, message: 'A wrong format for the ID field is passed' },
  ID_EMPTY: { status: 400, message: 'User ID can\'t be empty' },
  USER_NOT_EXISTS: { status: 400, message: 'User is not exists' },
  STATUS_ERROR: { status: 400, message: 'Status is not available' },
  FIND_SHORT: { status: 400, message: 'Too short a search phrase.' },
  ERROR_ARGUMENT: { status: 400, message: 'Invalid argument' },
  ERROR_CORE: { status: 400, message: 'Error' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ERROR_EVENT_NOT_FOUND: { status: 400, message: 'Event not found' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  ANSWER_TOO_LARGE: { status: 413, message: 'The answer would be larger than the server sends at once: ask for less per request' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The URL and headers are too large: send long parameter lists in a POST body' },
  BAD_REQUEST: { status: 400, message: 'Malformed HTTP request' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  DATABASE_BUSY: { status: 503, message: 'The directory is busy with another write; try again' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The directory database cannot be reached: writes are refused until it is back; try again' },
  QUERY_LIMIT_EXCEEDED: { status: 503, message: 'Too many requests' },
  OPERATION_TIME_LIMIT: { status: 429, message: 'Method is blocked due to operation time limit.' },
  ERROR_BATCH_LENGTH_EXCEEDED: { status: 400, message: 'Max batch length exceeded' },
  ERROR_BATCH_METHOD_NOT_ALLOWED: { status: 405, message: 'Method is not allowed for batch usage' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The one error type handlers throw; anything else becomes INTERNAL_SERVER_ERROR. */
export class RestError extends Error {
  readonly status: number;
  readonly description: string;

  constructor(
    readonly code: ErrorCode,
    description?: string,
    /** extra top-level keys some upstream errors carry (`argument` of ERROR_ARGUMENT) */
    readonly extra: Record<string, unknown> = {},
  ) {
    const entry = ERRORS[code];
    super(description ?? entry.message);
    this.status = entry.status;
    this.description = description ?? entry.message;
  }

  toWire(): Record<string, unknown> {
    return { error: this.code, error_description: this.description, ...this.extra };
  }
}

/** A directory rule's refusal: ERROR_ARGUMENT naming the parameter, with the rule's message and name (as import reports them). */
export function ruleError(error: { rule: string; argument: string; message: string }): RestError {
  return argumentError(error.argument, `${error.message} [${error.rule}]`);
}

/** The 503 of a write that could not get the directory's write lock in time, or null for other errors. */
export function busyReply(error: unknown): { status: number; body: Record<string, unknown> } | null {
  if (!(error instanceof StoreBusyError)) return null;
  const e = new RestError('DATABASE_BUSY', error.message);
  return { status: e.status, body: e.toWire() };
}

/** ERROR_ARGUMENT for one named parameter, with upstream's `argument` key. */
export function argumentError(argument: string, description: string): RestError {
  return new RestError('ERROR_ARGUMENT', description, { argument });
}
