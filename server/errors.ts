/**
 * An error answered to the client as `{error, message, field?}` with its HTTP status. Services throw these;
 * the error handler turns them into responses. Messages are plain and neutral: they reach people's apps.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** 400: the request is malformed; `field` names the body field, path parameter or header. */
export const badRequest = (field: string, message: string) =>
  new ApiError(400, 'bad_request', `${field}: ${message}`, field);

/** 401: no token, or one that does not verify. */
export const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer' });

/** 403: the participant has not consented to the scope this upload needs. */
export const consentRequired = (scope: string) =>
  new ApiError(
    403,
    'consent_required',
    `No current consent covers "${scope}"; consent first (PUT /api/consent)`,
  );

/** 404: does not exist, or belongs to another participant (the two are not told apart). */
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

/** 409: the upload contradicts what is already stored under the same id. */
export const conflict = (field: string, message: string) => new ApiError(409, 'conflict', message, field);

/** 422: an image that still carries metadata, or bytes that are not the declared image type. */
export const unprocessableImage = (message: string) => new ApiError(422, 'image_refused', message, 'body');

/** 429: over the participant's daily upload limit; Retry-After tells when the window resets. */
export const dailyLimitReached = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'daily_limit_reached',
    `Daily upload limit reached; retry in ${retryAfterSeconds} s`,
    undefined,
    {
      'retry-after': String(retryAfterSeconds),
    },
  );

/** 503: a dependency (database, image store) is unreachable; the client should retry later. */
export const unavailable = (message: string) => new ApiError(503, 'unavailable', message);
