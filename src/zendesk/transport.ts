// The one HTTP transport every Zendesk call goes through (the reader, the writer, and node-zendesk via
// its `transportConfig.transportFn`): authentication, JSON, timeouts, pacing under the rate limit,
// Retry-After on 429/503, bounded retries with exponential backoff and jitter, and errors an operator
// can act on. Secrets never appear in messages: only the instance's name and URLs.
// Over ~400 lines on purpose: it is one request loop (`request`) with its pacing, Retry-After, backoff, timeouts
// and error translation, each retry decision read against the others, plus the small helpers only it (and the
// writer's messages) use: failureKind, parseRetryAfter, describeZendeskError, parseBody.
import type { ZendeskInstance } from '../model/config.js';
import type { Logger } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';
import { RequestBudget } from './budget.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** default globalThis.fetch */
  fetch?: FetchLike;
  /** default: a real timer */
  sleep?: (ms: number) => Promise<void>;
  /** default Date.now */
  now?: () => number;
  /** default Math.random (jitter) */
  random?: () => number;
  /** per request, default 30 000 ms */
  timeoutMs?: number;
  /**
   * tries for 5xx, resets and timeouts (the first one included), default 10 (issue 14: with 6, one read in about
   * 64 failed at 50 % injected 5xx, so a read of a few hundred pages rarely got through)
   */
  maxAttempts?: number;
  /** tries when Zendesk answers 429 / 503 (it tells us how long to wait), default 10 */
  maxRateLimitAttempts?: number;
  /** first backoff delay, doubled every retry, default 1 000 ms */
  baseDelayMs?: number;
  /** backoff ceiling, default 16 000 ms (10 tries then wait at most about 100 s in all) */
  maxDelayMs?: number;
  /** longest Retry-After honoured before giving up, default 15 min */
  maxRetryAfterMs?: number;
  logger?: Logger;
  /** the instance's request budget, shared with the other transports of the run; default a new one */
  budget?: RequestBudget;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * Whether sending the request twice is harmless. Default: every method but POST. A request that is not
   * idempotent is never re-sent once it may have reached Zendesk (timeout, reset, 5xx other than 503):
   * the transport throws OutcomeUnknownError instead, so that the caller looks the record up first.
   */
  idempotent?: boolean;
}

export interface ZendeskResponse {
  status: number;
  headers: Headers;
  /** parsed JSON, or the raw text when the body is not JSON, or undefined when empty */
  body: unknown;
  url: string;
}

/** Zendesk answered with an error status (after retries, where retrying made sense). Body kept (422 details). */
export class ZendeskHttpError extends ZdsfError {
  constructor(
    message: string,
    code: string,
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly body: unknown,
  ) {
    super(message, code);
    this.name = 'ZendeskHttpError';
  }
}

/**
 * A request that is not idempotent (a create) may or may not have been carried out: the connection timed
 * out or was reset after it was sent, or a gateway answered 5xx. It was NOT re-sent; look the records up
 * by their keys before trying again.
 */
export class OutcomeUnknownError extends ZdsfError {
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    override readonly cause?: unknown,
  ) {
    super(message, 'outcome_unknown');
    this.name = 'OutcomeUnknownError';
  }
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type FailureKind = 'timeout' | 'reset' | 'refused' | 'dns' | 'other';

function failureKind(err: unknown, timedOut: boolean): FailureKind {
  if (timedOut) return 'timeout';
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const rec = e as { code?: unknown; cause?: unknown; name?: unknown };
    if (typeof rec.code === 'string') codes.push(rec.code);
    if (rec.name === 'AbortError' || rec.name === 'TimeoutError') return 'timeout';
    e = rec.cause;
  }
  if (codes.some((c) => c === 'ECONNREFUSED' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH')) return 'refused';
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) return 'dns';
  if (codes.some((c) => c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET' || c === 'ETIMEDOUT' || c === 'UND_ERR_CLOSED'))
    return 'reset';
  if (codes.some((c) => c === 'UND_ERR_CONNECT_TIMEOUT')) return 'refused';
  return 'other';
}

function describeCause(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const rec = e as { code?: unknown; message?: unknown; cause?: unknown };
    const bit = [typeof rec.code === 'string' ? rec.code : '', typeof rec.message === 'string' ? rec.message : ''].filter(Boolean).join(' ');
    if (bit && !parts.includes(bit)) parts.push(bit);
    e = rec.cause;
  }
  return parts.join(': ') || String(err);
}

/** Retry-After: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return null;
}

/** Zendesk's error body as one line: `RecordInvalid: Record validation errors (name: has already been taken)`. */
export function describeZendeskError(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body === 'string') return body.slice(0, 500);
  if (typeof body !== 'object') return String(body);
  const rec = body as Record<string, unknown>;
  const parts: string[] = [];
  const err = rec.error;
  if (typeof err === 'string') parts.push(err);
  else if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    const bit = [e.title, e.message].filter((x) => typeof x === 'string').join(': ');
    if (bit) parts.push(bit);
  }
  if (typeof rec.description === 'string') parts.push(rec.description);
  if (typeof rec.message === 'string' && !parts.includes(rec.message)) parts.push(rec.message);
  const details = rec.details;
  if (details && typeof details === 'object') {
    const lines: string[] = [];
    for (const [field, value] of Object.entries(details as Record<string, unknown>)) {
      const entries = Array.isArray(value) ? value : [value];
      for (const entry of entries) {
        if (entry && typeof entry === 'object') {
          const d = entry as Record<string, unknown>;
          lines.push(`${field}: ${typeof d.description === 'string' ? d.description : typeof d.error === 'string' ? d.error : JSON.stringify(d)}`);
        } else lines.push(`${field}: ${String(entry)}`);
      }
    }
    if (lines.length) parts.push(`(${lines.join('; ')})`);
  } else if (typeof details === 'string') parts.push(details);
  if (Array.isArray(rec.errors)) {
    for (const e of rec.errors) {
      if (e && typeof e === 'object') {
        const r = e as Record<string, unknown>;
        parts.push([r.code, r.title, r.detail].filter((x) => typeof x === 'string').join(': '));
      }
    }
  }
  return parts.length ? parts.join(' ') : JSON.stringify(body).slice(0, 500);
}

export class ZendeskTransport {
  /** `${instance.url}/api/v2` */
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly fetchFn: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRateLimitAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly logger?: Logger;
  private readonly authorization: string;
  /** pacing under the ceiling and Zendesk's limit; shared by every transport of the instance in a run */
  readonly budget: RequestBudget;

  constructor(
    readonly instance: ZendeskInstance,
    options: TransportOptions = {},
  ) {
    this.baseUrl = `${instance.url.replace(/\/+$/, '')}/api/v2`;
    this.origin = new URL(instance.url).origin;
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? (instance.timeout_seconds ?? 30) * 1000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 10);
    this.maxRateLimitAttempts = Math.max(1, options.maxRateLimitAttempts ?? 10);
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 16_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 15 * 60_000;
    this.logger = options.logger;
    this.budget =
      options.budget ?? new RequestBudget({ ceiling: instance.max_requests_per_minute, now: this.now, sleep: this.sleep, logger: this.logger, name: instance.name });
    const auth = instance.auth;
    this.authorization =
      auth.method === 'api_token'
        ? `Basic ${Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64')}`
        : `Bearer ${auth.token}`;
  }

  /** HTTP requests actually sent (retries included). */
  get requestCount(): number {
    return this.budget.requestCount;
  }

  /** The account's per-minute limit as reported by X-Rate-Limit (or ratelimit-limit), once seen. */
  get observedLimitPerMinute(): number | null {
    return this.budget.observedLimitPerMinute;
  }

  /** 429 answers received. */
  get rateLimitedCount(): number {
    return this.budget.rateLimitedCount;
  }

  /** The ceiling the transport keeps to: the configured max_requests_per_minute, or the account's limit. */
  get effectiveLimitPerMinute(): number | null {
    return this.budget.effectiveLimitPerMinute;
  }

  /** Absolute URL for an API path (`/organizations`) or a URL Zendesk gave us (links.next). */
  url(pathOrUrl: string, query?: RequestOptions['query']): string {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      // never send the credentials anywhere but the configured instance
      if (url.origin !== this.origin)
        throw new ZdsfError(
          `Zendesk instance ${this.instance.name} (${this.instance.url}) pointed to ${url.origin}, another host; refusing to send credentials there.`,
          'zendesk_foreign_url',
        );
    } else {
      url = new URL(`${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`);
    }
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  async get(pathOrUrl: string, query?: RequestOptions['query']): Promise<ZendeskResponse> {
    return this.request('GET', pathOrUrl, { query });
  }

  /**
   * Sends one request, retrying where that is safe, and resolves with a 2xx response. Throws
   * ZendeskHttpError (4xx, or 5xx/429 after the last try), OutcomeUnknownError, or ZdsfError (unreachable).
   */
  async request(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<ZendeskResponse> {
    const url = this.url(pathOrUrl, options.query);
    const idempotent = options.idempotent ?? method.toUpperCase() !== 'POST';
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      Accept: 'application/json',
      'User-Agent': 'zdsf',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const where = `${method} ${url}`;

    let failures = 0; // 5xx, resets, timeouts
    let timeouts = 0;
    let rateLimited = 0; // 429 / 503 with instructions
    let socketRetried = false;
    for (;;) {
      await this.budget.acquire();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await this.fetchFn(url, { method, headers, body, signal: controller.signal });
        text = await response.text();
      } catch (err) {
        clearTimeout(timer);
        this.budget.settle();
        const kind = failureKind(err, timedOut);
        const cause = describeCause(err);
        if (kind === 'dns')
          throw new ZdsfError(
            `Cannot reach Zendesk instance ${this.instance.name} at ${url}: the host name does not resolve (${cause}). Check the instance's subdomain or url in sync.yaml.`,
            'unreachable',
          );
        if (kind === 'refused') {
          // nothing was sent: safe to retry for every method, but only briefly (a wrong URL should fail fast)
          failures++;
          if (failures >= Math.min(3, this.maxAttempts))
            throw new ZdsfError(
              `Cannot reach Zendesk instance ${this.instance.name} at ${url} (${cause}). Check the instance's url in sync.yaml and the network.`,
              'unreachable',
            );
        } else {
          const what = kind === 'timeout' ? `no answer within ${this.timeoutMs} ms` : `connection failed (${cause})`;
          if (!idempotent)
            throw new OutcomeUnknownError(
              `${where} to Zendesk instance ${this.instance.name}: ${what} after the request was sent; it may or may not have been carried out, so it was not re-sent. Look the records up before retrying.`,
              method,
              url,
              err,
            );
          if (kind === 'reset' && !socketRetried) {
            // a kept-alive socket the server had closed (UND_ERR_SOCKET, ECONNRESET): once, at once, on a new one
            socketRetried = true;
            this.logger?.debug(`zendesk ${where}: ${cause}, re-sending once on a new connection`);
            continue;
          }
          failures++;
          if (kind === 'timeout') timeouts++;
          // a silent Zendesk: one more try only (issue 14), not maxAttempts x timeout
          if (kind === 'timeout' && timeouts >= 2)
            throw new ZdsfError(
              `Zendesk instance ${this.instance.name} did not answer within ${this.timeoutMs / 1000} s (${where}, ${timeouts} tries). The service may be slow or down; try again later, or raise zendesk.${this.instance.name}.timeout_seconds.`,
              'timeout',
            );
          if (failures >= this.maxAttempts)
            throw new ZdsfError(
              `Zendesk instance ${this.instance.name}: ${where} failed ${failures} times (${what}). The service may be down; try again later.`,
              kind === 'timeout' ? 'timeout' : 'unreachable',
            );
        }
        const delay = this.backoff(failures);
        this.logger?.debug(`zendesk ${where}: ${kind}, retrying in ${delay} ms`);
        await this.sleep(delay);
        continue;
      }
      clearTimeout(timer);
      const status = response.status;
      const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), this.now()) : null;
      this.budget.settle(response.headers, status, retryAfter);
      const parsed = parseBody(text, response.headers.get('content-type'));
      if (status >= 200 && status < 300) return { status, headers: response.headers, body: parsed, url };

      if (status === 429 || status === 503) {
        // a 503 without Retry-After may come from a gateway after the request was handled
        if (status === 503 && retryAfter === null && !idempotent)
          throw new OutcomeUnknownError(
            `${where} to Zendesk instance ${this.instance.name}: 503 without Retry-After; the request may or may not have been carried out, so it was not re-sent.`,
            method,
            url,
          );
        rateLimited++;
        if (rateLimited >= this.maxRateLimitAttempts || (retryAfter !== null && retryAfter > this.maxRetryAfterMs))
          throw new ZendeskHttpError(
            `Zendesk instance ${this.instance.name} kept answering ${status} (${status === 429 ? 'too many requests' : 'service unavailable'}) to ${where} after ${rateLimited} tries${retryAfter !== null ? `, asking to wait ${Math.round(retryAfter / 1000)} s` : ''}. Lower max_requests_per_minute or try again later.`,
            status === 429 ? 'rate_limited' : 'unavailable',
            status,
            method,
            url,
            parsed,
          );
        const delay = retryAfter ?? this.backoff(rateLimited);
        this.logger?.debug(`zendesk ${where}: ${status}, waiting ${delay} ms`);
        await this.sleep(delay);
        continue;
      }

      if (status >= 500) {
        if (!idempotent)
          throw new OutcomeUnknownError(
            `${where} to Zendesk instance ${this.instance.name}: ${status} ${describeZendeskError(parsed)}; the request may or may not have been carried out, so it was not re-sent. Look the records up before retrying.`,
            method,
            url,
          );
        failures++;
        if (failures >= this.maxAttempts)
          throw new ZendeskHttpError(
            `Zendesk instance ${this.instance.name} answered ${status} to ${where} ${failures} times: ${describeZendeskError(parsed)}. Try again later.`,
            'server_error',
            status,
            method,
            url,
            parsed,
          );
        const delay = this.backoff(failures);
        this.logger?.debug(`zendesk ${where}: ${status}, retrying in ${delay} ms`);
        await this.sleep(delay);
        continue;
      }

      throw this.httpError(status, method, url, parsed);
    }
  }

  private httpError(status: number, method: string, url: string, body: unknown): ZendeskHttpError {
    const name = this.instance.name;
    const where = `${method} ${url}`;
    const reason = describeZendeskError(body);
    if (status === 401) {
      const creds = this.instance.auth.method === 'api_token' ? 'api_token credentials' : 'oauth token';
      return new ZendeskHttpError(
        `Zendesk rejected the ${creds} for instance ${name} (${this.instance.url}). Check the email and token given to zendesk.${name}.auth in sync.yaml (and the environment variables they come from).`,
        'unauthorized',
        status,
        method,
        url,
        body,
      );
    }
    if (status === 403)
      return new ZendeskHttpError(
        `Zendesk instance ${name} refused ${where} (403 forbidden)${reason ? `: ${reason}` : ''}. The credentials lack the permission, or the feature is not enabled on the account.`,
        'forbidden',
        status,
        method,
        url,
        body,
      );
    if (status === 404)
      return new ZendeskHttpError(`Zendesk instance ${name}: ${where} not found (404)${reason ? `: ${reason}` : ''}.`, 'not_found', status, method, url, body);
    if (status === 422)
      return new ZendeskHttpError(
        `Zendesk instance ${name} could not process ${where} (422)${reason ? `: ${reason}` : ''}.`,
        'unprocessable',
        status,
        method,
        url,
        body,
      );
    return new ZendeskHttpError(
      `Zendesk instance ${name} answered ${status} to ${where}${reason ? `: ${reason}` : ''}.`,
      'zendesk_http',
      status,
      method,
      url,
      body,
    );
  }

  /** exponential backoff with equal jitter: half the delay fixed, half random */
  private backoff(attempt: number): number {
    const full = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  /**
   * A `transportConfig` for node-zendesk: its requests go through this transport (auth, pacing, retries);
   * node-zendesk's own Authorization header is replaced. Errors surface as thrown ZendeskHttpError /
   * OutcomeUnknownError (node-zendesk rethrows them unchanged with throwOriginalException).
   * Retry-After is hidden from node-zendesk: it treats any response carrying one as a 429.
   */
  nodeZendeskTransportConfig(): { transportFn: (uri: string, options: unknown) => Promise<ZendeskResponse>; responseAdapter: (r: unknown) => unknown } {
    return {
      transportFn: async (uri: string, options: unknown) => {
        const o = (options ?? {}) as { method?: unknown; body?: unknown };
        const method = typeof o.method === 'string' ? o.method : 'GET';
        const body = typeof o.body === 'string' && o.body !== '' ? o.body : undefined;
        return this.request(method, uri, { body, idempotent: nodeZendeskIdempotent(method, uri) });
      },
      responseAdapter: (r: unknown) => {
        const res = r as ZendeskResponse;
        return {
          json: async () => res.body,
          status: res.status,
          statusText: '',
          headers: {
            get: (name: string) => {
              const lower = name.toLowerCase();
              if (lower === 'retry-after') return null;
              if (lower === 'content-type') return res.body !== undefined && typeof res.body === 'object' ? 'application/json' : res.headers.get(name);
              return res.headers.get(name);
            },
          },
        };
      },
    };
  }
}

/** create_or_update endpoints are keyed upserts (email / external_id): re-sending them cannot duplicate. */
function nodeZendeskIdempotent(method: string, uri: string): boolean {
  if (method.toUpperCase() !== 'POST') return true;
  return /\/create_or_update(_many)?(\.json)?(\?|$)/.test(uri);
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export function createTransport(instance: ZendeskInstance, options?: TransportOptions): ZendeskTransport {
  return new ZendeskTransport(instance, options);
}
