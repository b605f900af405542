// Every jsforce request of a connection bounded as a whole by timeout_seconds (issue 14).
// jsforce's HTTP layer (node-fetch) clears its timer when the response headers arrive and then pipes the body
// with no bound: a Salesforce (or proxy) that sends headers and stalls the body hangs a read for ever, and its
// socket keeps the process alive. This swaps the connection's transport's httpRequest for one on Node's fetch,
// whose AbortSignal.timeout covers connect, headers and the whole body, and closes the socket when it fires. The
// rest of jsforce (session refresh, error parsing, Sforce-Limit-Info, SOAP login) is unchanged: httpRequest keeps
// jsforce's contract (a StreamPromise of { statusCode, headers, body }). zdsf does not stream jsforce responses,
// so the stream side is an empty PassThrough. jsforce's own retries are not used (retry.ts is ours). With an HTTP
// proxy in the environment, jsforce's transport (which honours it; fetch does not) is kept.
import { PassThrough } from 'node:stream';
import type { Connection } from 'jsforce';

/** The parts of jsforce's HttpRequest / HttpRequestOptions / HttpResponse this uses. */
interface HttpRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface HttpRequestOptions {
  timeout?: number;
}
interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
/** jsforce's StreamPromise: a promise with a stream() */
type HttpRequestFn = (req: HttpRequest, options?: HttpRequestOptions) => Promise<HttpResponse> & { stream(): PassThrough };
type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Headers fetch computes itself (a stale content-length would be refused). */
const DROPPED_HEADERS = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

function bodyOf(req: HttpRequest): string | Uint8Array | undefined {
  const b = req.body;
  if (b === undefined || b === null || /^(GET|HEAD)$/i.test(req.method)) return undefined;
  if (typeof b === 'string' || b instanceof Uint8Array) return b;
  // form-data's FormData (jsforce's multipart bodies)
  if (typeof (b as { getBuffer?: unknown }).getBuffer === 'function') return (b as { getBuffer(): Buffer }).getBuffer();
  return String(b);
}

/** jsforce's Transport#httpRequest on fetch, each request bounded by `options.timeout` (else `defaultTimeoutMs`). */
export function boundedHttpRequest(defaultTimeoutMs: number, doFetch: FetchLike = fetch): HttpRequestFn {
  return (req, options = {}) => {
    const timeoutMs = options.timeout ?? defaultTimeoutMs;
    const promise = (async (): Promise<HttpResponse> => {
      const signal = AbortSignal.timeout(timeoutMs);
      const headers = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([k]) => !DROPPED_HEADERS.has(k.toLowerCase())));
      const res = await doFetch(req.url, { method: req.method.toUpperCase(), headers, body: bodyOf(req), signal });
      const resHeaders: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        resHeaders[key.toLowerCase()] = value;
      });
      // a stalled body rejects here when the signal fires (fetch closes the socket)
      const body = await res.text();
      return { statusCode: res.status, headers: resHeaders, body };
    })();
    const stream = new PassThrough();
    return Object.assign(promise, { stream: () => stream });
  };
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

/**
 * Makes every request of `conn` bounded as a whole by `timeoutMs` (see the file's opening comment). Returns false
 * (and leaves jsforce's transport) when an HTTP proxy is configured in `env` or the transport is not the expected one.
 */
export function boundRequests(conn: Connection, timeoutMs: number, env: NodeJS.ProcessEnv = process.env, doFetch?: FetchLike): boolean {
  if (PROXY_VARIABLES.some((v) => env[v])) return false;
  const transport = (conn as unknown as { _transport?: { httpRequest?: unknown } })._transport;
  if (!transport || typeof transport.httpRequest !== 'function') return false;
  transport.httpRequest = boundedHttpRequest(timeoutMs, doFetch);
  return true;
}
