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

/** 401 `token_expired`: the access token is past its expiry (or has none); refresh it, then retry. */
export const tokenExpired = () =>
  new ApiError(
    401,
    'token_expired',
    'Token expired; get a new one with the refresh token (POST /api/participants/refresh)',
    undefined,
    { 'www-authenticate': 'Bearer error="invalid_token"' },
  );

/** 401 `refresh_refused`: the refresh token is unknown or replaced, or its participant withdrew; enrol again. */
export const refreshRefused = () =>
  new ApiError(
    401,
    'refresh_refused',
    'This refresh token is not (or no longer) good: it was replaced, or the participant withdrew; enrol again',
  );

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

/** 507: the store has no room left (disk or quota full); the client should retry later. */
export const insufficientStorage = () =>
  new ApiError(507, 'insufficient_storage', 'The server has no storage room left; retry later');

/** 507 `store_full`: the photos of all participants together reached `STORE_MAX_IMAGE_BYTES`; retry later. */
export const storeFull = () =>
  new ApiError(
    507,
    'store_full',
    'The server holds as many photos as it may (its store limit is reached); it takes no more until room is made. ' +
      'Your photo stays on your phone and is sent again later',
  );

/** 413 for a participant's stored images: over the persisted per-participant cap (count or bytes). */
export const participantQuotaReached = (message: string) =>
  new ApiError(413, 'participant_quota_reached', message, 'body');

/** 429: over the enrolments one IP address may make per hour (`ENROLMENTS_PER_IP_PER_HOUR`). */
export const enrolmentLimitReached = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'enrolment_limit_reached',
    `Too many enrolments from this address; retry in ${retryAfterSeconds} s`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );

/** 429: over the token refreshes one IP address may make per hour (`REFRESHES_PER_IP_PER_HOUR`). */
export const refreshLimitReached = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'refresh_limit_reached',
    `Too many token refreshes from this address; retry in ${retryAfterSeconds} s`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );

/** 429: over the consent records one participant may make per day (`DAILY_CONSENT_LIMIT`). */
export const consentLimitReached = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'consent_limit_reached',
    `Too many consent changes today; retry in ${retryAfterSeconds} s`,
    undefined,
    { 'retry-after': String(retryAfterSeconds) },
  );

/** 403: this server enrols only with its study's enrolment code (`ENROLMENT_CODE`), missing or wrong here. */
export const enrolmentCodeRequired = () =>
  new ApiError(
    403,
    'enrolment_code_required',
    'This server enrols participants of a closed study only: send its enrolment code in x-enrolment-code',
    'x-enrolment-code',
  );
