// Retries of Salesforce requests (issue 14): every request zdsf sends to Salesforce is a read (token, describe,
// query, queryMore, Bulk API 2.0 query jobs and their results), so each may be sent again. Transient failures
// (5xx, SERVER_UNAVAILABLE, connection resets, timeouts) are retried with exponential backoff and jitter,
// within a bounded number of attempts and a bounded total wait; a timeout is tried once more only, so a silent
// Salesforce costs two timeouts, not six. REQUEST_LIMIT_EXCEEDED (the org's daily API limit) is not retried:
// it is reported with the usage Salesforce announced in Sforce-Limit-Info.
import type { Logger } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';

export interface RetryPolicy {
  /** tries of one request, the first included (default 8) */
  maxAttempts?: number;
  /** first backoff delay, doubled each retry (default 500 ms) */
  baseDelayMs?: number;
  /** backoff ceiling (default 8 000 ms) */
  maxDelayMs?: number;
  /** total backoff one request may spend waiting between its tries (default 60 000 ms) */
  budgetMs?: number;
  /** tries of a request that timed out, the first included (default 2) */
  maxTimeoutAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** refused: nothing listens (a wrong URL should fail fast: 3 tries) */
export type FailureClass = 'transient' | 'refused' | 'timeout' | 'limit' | 'fatal';

const TRANSIENT_CODES = new Set([
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'REQUEST_RUNNING_TOO_LONG',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The HTTP status an error carries (our own `status`, or jsforce's ERROR_HTTP_NNN code), if any. */
function statusOf(err: Record<string, unknown>): number | undefined {
  if (typeof err.status === 'number') return err.status;
  const code = typeof err.errorCode === 'string' ? err.errorCode : typeof err.name === 'string' ? err.name : '';
  const m = /^ERROR_HTTP_(\d{3})$/.exec(code);
  return m ? Number(m[1]) : undefined;
}

/** What kind of failure an error of a Salesforce request is. */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof ZdsfError) return err.code === 'salesforce_timeout' ? 'timeout' : 'fatal';
  if (!(err instanceof Error)) return 'fatal';
  const e = err as Error & Record<string, unknown>;
  const code = typeof e.errorCode === 'string' ? e.errorCode : typeof e.code === 'string' ? e.code : undefined;
  if (code === 'REQUEST_LIMIT_EXCEEDED') return 'limit';
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || /Request Timeout|aborted due to timeout/.test(e.message)) return 'timeout';
  const cause = e.cause as Record<string, unknown> | undefined;
  const causeCode = cause && typeof cause.code === 'string' ? cause.code : undefined;
  if (causeCode === 'UND_ERR_CONNECT_TIMEOUT' || causeCode === 'UND_ERR_HEADERS_TIMEOUT' || causeCode === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) return 'refused';
  if (code && TRANSIENT_CODES.has(code)) return 'transient';
  if (causeCode && TRANSIENT_CODES.has(causeCode)) return 'transient';
  if (/ECONNRESET|socket hang up|EPIPE|other side closed/.test(e.message)) return 'transient';
  const status = statusOf(e);
  if (status !== undefined && (status >= 500 || status === 429 || status === 420)) return 'transient';
  return 'fatal';
}

export interface RetryContext {
  /** e.g. `GET /services/data/v62.0/query` for messages */
  what: string;
  /** the instance's name */
  instance: string;
  /** its timeout, seconds, for the "did not answer within N s" message */
  timeoutSeconds: number;
  /** Sforce-Limit-Info's last figure, for the REQUEST_LIMIT_EXCEEDED message */
  usage?: () => { used: number; limit: number } | undefined;
  logger?: Logger;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `send` until it succeeds, a failure is not transient, or the tries or the wait budget are spent. */
export async function withRetries<T>(send: () => Promise<T>, ctx: RetryContext, policy: RetryPolicy = {}): Promise<T> {
  const maxAttempts = Math.max(1, policy.maxAttempts ?? 8);
  const maxTimeouts = Math.max(1, policy.maxTimeoutAttempts ?? 2);
  const base = policy.baseDelayMs ?? 500;
  const ceiling = policy.maxDelayMs ?? 8_000;
  const budget = policy.budgetMs ?? 60_000;
  const sleep = policy.sleep ?? realSleep;
  const random = policy.random ?? Math.random;
  let attempts = 0;
  let timeouts = 0;
  let waited = 0;
  for (;;) {
    attempts += 1;
    try {
      return await send();
    } catch (err) {
      const kind = classifyFailure(err);
      if (kind === 'fatal') throw err;
      if (kind === 'limit') {
        const u = ctx.usage?.();
        throw new ZdsfError(
          `Salesforce instance ${ctx.instance} refused ${ctx.what}: the org's API request limit is reached (REQUEST_LIMIT_EXCEEDED` +
            `${u ? `, ${u.used} of ${u.limit} requests used in the last 24 hours` : ''}). Nothing was retried; run again once the limit has room (Setup > Company Information shows the usage).`,
          'salesforce_limit',
        );
      }
      if (kind === 'timeout') {
        timeouts += 1;
        if (timeouts >= maxTimeouts) {
          throw new ZdsfError(
            `Salesforce instance ${ctx.instance} did not answer within ${ctx.timeoutSeconds} s (${ctx.what}, ${timeouts} tries). ` +
              `The service may be slow or down; try again later, or raise salesforce.${ctx.instance}.timeout_seconds.`,
            'salesforce_timeout',
          );
        }
      }
      const delay = Math.round(Math.min(ceiling, base * 2 ** (attempts - 1)) * (0.5 + random() / 2));
      if (attempts >= (kind === 'refused' ? Math.min(3, maxAttempts) : maxAttempts) || waited + delay > budget) {
        const detail = err instanceof Error ? err.message : String(err);
        throw Object.assign(err instanceof Error ? err : new Error(detail), { retriesExhausted: attempts });
      }
      ctx.logger?.debug(`Salesforce ${ctx.instance}: ${ctx.what} failed (${kind}), try ${attempts + 1} in ${delay} ms`);
      waited += delay;
      await sleep(delay);
    }
  }
}

/** One request under withRetries: an answer whose status `retryable` names is retried like a transient failure
 * (each try within `timeoutMs`, body included); when the tries run out, its last answer is returned like any
 * other, so that the caller reports the error Salesforce gave. A failure without an answer (network, timeout,
 * the API limit) is thrown as `failure` makes it (default: as it is). */
export async function fetchRetried(
  doFetch: (input: string, init?: RequestInit) => Promise<Response>,
  url: string,
  init: RequestInit,
  options: { timeoutMs: number; retryable: (status: number) => boolean; ctx: RetryContext; policy?: RetryPolicy; failure?: (err: unknown) => unknown },
): Promise<{ res: Response; text: string }> {
  try {
    return await withRetries(
      async () => {
        const r = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
        const t = await r.text();
        if (options.retryable(r.status)) throw Object.assign(new Error(`HTTP ${r.status}`), { status: r.status, res: r, text: t });
        return { res: r, text: t };
      },
      options.ctx,
      options.policy,
    );
  } catch (err) {
    const last = err as { res?: Response; text?: string };
    if (err instanceof ZdsfError || !last.res || typeof last.text !== 'string') throw options.failure ? options.failure(err) : err;
    return { res: last.res, text: last.text };
  }
}
