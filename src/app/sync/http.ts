import type { z } from 'zod';
import {
  API_PATHS,
  AcceptedResponseSchema,
  ConsentRequestSchema,
  ConsentResponseSchema,
  EnrolmentResponseSchema,
  ErrorResponseSchema,
  FeedbackSchema,
  HEADER_ANGLE,
  HEADER_FACES,
  HEADER_SHA256,
  HealthResponseSchema,
  ImageUploadResponseSchema,
  LogUploadSchema,
  RefreshRequestSchema,
  SYNC_CONTRACT_VERSION,
  SessionUploadResponseSchema,
  SessionUploadSchema,
  WithdrawalResponseSchema,
  type AcceptedResponse,
  type ConsentRequest,
  type ConsentResponse,
  type EnrolmentResponse,
  type FacesInImage,
  type FeedbackBody,
  type ImageUploadResponse,
  type LogUpload,
  type RefreshRequest,
  type SessionUpload,
  type SessionUploadResponse,
  type WithdrawalResponse,
} from '../../sync/contract.ts';
import { parseRetryAfter } from './backoff.ts';
import { NoSyncServerError, SyncHttpError, SyncNetworkError, UploadPreparationError } from './errors.ts';

/** JSON calls answer in well under this; a hung connection must not stall the outbox for ever. */
const JSON_TIMEOUT_MS = 60_000;
/** An image of up to 20 MB on a slow phone connection. */
const IMAGE_TIMEOUT_MS = 5 * 60_000;

/** `GET /health` as this app needs it. */
export type ServerHealth = z.infer<typeof HealthResponseSchema>;

/** An image upload: metadata-free bytes, their sha256 (the idempotency key) and type. */
export interface ImageUpload {
  readonly angle: string;
  readonly bytes: Blob;
  readonly sha256: string;
  readonly contentType: 'image/jpeg' | 'image/png';
  /** What was done about faces in `bytes` (sent as `x-faces`); absent for a photo prepared before face detection. */
  readonly faces?: FacesInImage;
}

/** Checks a body against the contract before it leaves: a refusal found here needs no round trip. */
function checked<T>(schema: z.ZodType<T>, body: T, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UploadPreparationError(`${what}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return result.data;
}

/**
 * The sync API client, typed by the contract's zod schemas: bodies are checked before they are sent, answers
 * are parsed before they are used. One instance per pass of the sync engine.
 */
export class SyncClient {
  /**
   * @param origin the server's origin, e.g. `https://bcd.example` (the app's own by default).
   * @param token the participant's bearer token; null before enrolment.
   * @param signal aborts every request (the engine stops a pass with it, e.g. on withdrawal).
   * @param fetcher makes the requests: the page's `fetch` by default (the engine passes the one it was given).
   */
  constructor(
    private readonly origin: string,
    private readonly token: string | null,
    private readonly signal?: AbortSignal,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /**
   * `GET /health`: whether the origin is a sync server this app can use.
   * @throws SyncNetworkError when it does not answer; NoSyncServerError when it answers as something else (a
   *   static host), with another contract version, or in Supabase mode (which enrols by Supabase sign-in).
   */
  async health(): Promise<ServerHealth> {
    const response = await this.send('GET', API_PATHS.health, { timeoutMs: JSON_TIMEOUT_MS });
    const type = response.headers.get('content-type') ?? '';
    const parsed = HealthResponseSchema.safeParse(
      response.ok && type.includes('json') ? await response.json().catch(() => null) : null,
    );
    if (!parsed.success) throw new NoSyncServerError('not_a_sync_server');
    if (parsed.data.contract_version !== SYNC_CONTRACT_VERSION) throw new NoSyncServerError('other_contract');
    if (parsed.data.mode !== 'embedded') throw new NoSyncServerError('no_enrolment');
    return parsed.data;
  }

  /** `POST /api/participants`: a new pseudonymous participant and its token. @throws SyncHttpError, SyncNetworkError. */
  enrol(): Promise<EnrolmentResponse> {
    return this.json('POST', API_PATHS.participants, EnrolmentResponseSchema);
  }

  /**
   * `POST /api/participants/refresh` (no bearer token): new access and refresh tokens for a refresh token, or once for
   * an access token issued before tokens expired. @throws SyncHttpError (401 `refresh_refused`: enrol again),
   * SyncNetworkError, UploadPreparationError.
   */
  refresh(body: RefreshRequest): Promise<EnrolmentResponse> {
    return this.json(
      'POST',
      API_PATHS.refresh,
      EnrolmentResponseSchema,
      checked(RefreshRequestSchema, body, 'refresh'),
    );
  }

  /** `PUT /api/consent`. @throws SyncHttpError, SyncNetworkError, UploadPreparationError. */
  putConsent(body: ConsentRequest): Promise<ConsentResponse> {
    return this.json(
      'PUT',
      API_PATHS.consent,
      ConsentResponseSchema,
      checked(ConsentRequestSchema, body, 'consent'),
    );
  }

  /** `DELETE /api/consent`: withdraws and deletes everything of the participant. @throws SyncHttpError, SyncNetworkError. */
  withdraw(): Promise<WithdrawalResponse> {
    return this.json('DELETE', API_PATHS.consent, WithdrawalResponseSchema);
  }

  /** `PUT /api/sessions/:id` (idempotent). @throws SyncHttpError, SyncNetworkError, UploadPreparationError. */
  putSession(sessionId: string, body: SessionUpload): Promise<SessionUploadResponse> {
    return this.json(
      'PUT',
      API_PATHS.session(sessionId),
      SessionUploadResponseSchema,
      checked(SessionUploadSchema, body, 'session'),
    );
  }

  /**
   * `PUT /api/sessions/:id/images/:imageId` with `x-angle` and `x-sha256` (idempotent: the same bytes again
   * answer `stored: false`). @throws SyncHttpError, SyncNetworkError.
   */
  async putImage(sessionId: string, imageId: string, image: ImageUpload): Promise<ImageUploadResponse> {
    const response = await this.send('PUT', API_PATHS.image(sessionId, imageId), {
      body: image.bytes,
      headers: {
        'content-type': image.contentType,
        [HEADER_ANGLE]: image.angle,
        [HEADER_SHA256]: image.sha256,
        ...(image.faces ? { [HEADER_FACES]: image.faces } : {}),
      },
      timeoutMs: IMAGE_TIMEOUT_MS,
    });
    return this.parse(response, ImageUploadResponseSchema);
  }

  /** `POST /api/logs` (idempotent by log id). @throws SyncHttpError, SyncNetworkError, UploadPreparationError. */
  postLogs(body: LogUpload): Promise<AcceptedResponse> {
    return this.json('POST', API_PATHS.logs, AcceptedResponseSchema, checked(LogUploadSchema, body, 'log'));
  }

  /** `POST /api/feedback` (idempotent by feedback id). @throws SyncHttpError, SyncNetworkError, UploadPreparationError. */
  postFeedback(body: FeedbackBody): Promise<AcceptedResponse> {
    return this.json(
      'POST',
      API_PATHS.feedback,
      AcceptedResponseSchema,
      checked(FeedbackSchema, body, 'feedback'),
    );
  }

  private async json<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const response = await this.send(method, path, {
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      timeoutMs: JSON_TIMEOUT_MS,
    });
    return this.parse(response, schema);
  }

  private async send(
    method: string,
    path: string,
    init: { body?: BodyInit; headers?: Record<string, string>; timeoutMs: number },
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(init.timeoutMs);
    try {
      return await this.fetcher(new URL(path, this.origin), {
        method,
        body: init.body ?? null,
        headers: {
          ...init.headers,
          ...(this.token === null ? {} : { authorization: `Bearer ${this.token}` }),
        },
        cache: 'no-store',
        signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout,
      });
    } catch (error) {
      if (this.signal?.aborted) throw error;
      throw new SyncNetworkError(error instanceof Error ? error.message : String(error));
    }
  }

  private async parse<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const body = ErrorResponseSchema.safeParse(payload);
      throw new SyncHttpError(
        response.status,
        body.success ? body.data : null,
        parseRetryAfter(response.headers.get('retry-after'), Date.now()),
      );
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new SyncHttpError(response.status, null, null);
    return parsed.data;
  }
}
