// Authentication to Salesforce: returns a jsforce Connection for a configured instance.
//
// Methods (DESIGN.md section 2): jwt (OAuth 2.0 JWT bearer flow, assertion signed here with
// node:crypto), client_credentials, access_token, password (OAuth password grant when a client id and
// secret are configured, otherwise jsforce's SOAP login). Token requests are made with fetch so that
// errors are reported precisely: an unreachable host names the URL, a 400/401 names the method and
// the instance and carries Salesforce's error code and description, never a secret.
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { Connection } from 'jsforce';
import { boundRequests } from './bounded-transport.js';
import type { SalesforceAuth, SalesforceInstance } from '../model/config.js';
import { ZdsfError } from '../util/errors.js';
import { fetchRetried, withRetries, type RetryPolicy } from './retry.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ConnectOptions {
  /** fetch used for token requests (default: global fetch) */
  fetch?: FetchLike;
  /** lifetime of the JWT assertion, seconds (default 180; Salesforce allows at most 3 minutes of skew) */
  jwtLifetimeSeconds?: number;
  /** clock, for tests */
  now?: () => Date;
  /** retries of the token request (tests shorten the delays) */
  retry?: RetryPolicy;
}

/** The successful answer of the Salesforce token endpoint. */
export interface TokenResponse {
  access_token: string;
  instance_url: string;
  id?: string;
  token_type?: string;
  scope?: string;
  issued_at?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Secret values of an auth block, to be scrubbed from any message. */
export function authSecrets(auth: SalesforceAuth): string[] {
  const out: string[] = [];
  switch (auth.method) {
    case 'jwt':
      out.push(auth.private_key);
      break;
    case 'client_credentials':
      out.push(auth.client_secret);
      break;
    case 'access_token':
      out.push(auth.token);
      break;
    case 'password':
      out.push(auth.password);
      if (auth.security_token) out.push(auth.security_token, auth.password + auth.security_token);
      if (auth.client_secret) out.push(auth.client_secret);
      break;
  }
  return out.filter((s) => typeof s === 'string' && s.length >= 4);
}

/** Replaces every occurrence of a secret (and Bearer tokens) in a message by `***`. */
export function redact(message: string, secrets: string[]): string {
  let out = message;
  for (const s of secrets) out = out.split(s).join('***');
  return out.replace(/Bearer\s+[A-Za-z0-9._!~+/=-]+/g, 'Bearer ***');
}

/**
 * Builds and signs (RS256) the JWT bearer assertion:
 * header { alg: RS256, typ: JWT }, claims { iss: client_id, sub: username, aud: audience ?? login_url, exp }.
 */
export function buildJwtAssertion(
  auth: { client_id: string; username: string; private_key: string | KeyObject; audience?: string },
  loginUrl: string,
  options: { now?: Date; lifetimeSeconds?: number; instanceName?: string } = {},
): string {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT' };
  const claims = {
    iss: auth.client_id,
    sub: auth.username,
    aud: auth.audience ?? trimSlash(loginUrl),
    exp: now + (options.lifetimeSeconds ?? 180),
  };
  let key: KeyObject;
  try {
    key = typeof auth.private_key === 'string' ? createPrivateKey(auth.private_key) : auth.private_key;
  } catch {
    throw new ZdsfError(
      `The JWT private key of Salesforce instance ${options.instanceName ?? '?'} is not a readable private key: ` +
        'give private_key_file the path of the PEM file (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----) ' +
        'whose certificate is uploaded to the connected app.',
      'config_invalid',
    );
  }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${base64url(signature)}`;
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const causeCode = cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const ownCode = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    const code = causeCode ?? ownCode;
    const causeMessage = cause instanceof Error ? cause.message : undefined;
    return code ?? causeMessage ?? err.message;
  }
  return String(err);
}

/** The timeout of one request to an instance, ms (salesforce.NAME.timeout_seconds, default 120 s). */
export function timeoutMsOf(instance: SalesforceInstance): number {
  return (instance.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
}

export const DEFAULT_TIMEOUT_SECONDS = 120;

/**
 * POSTs a token request; throws ZdsfError on network failure and on any non-2xx answer. 5xx answers, resets
 * and timeouts are retried (a token request is safe to send again); a 4xx is not.
 */
export async function requestToken(
  instance: SalesforceInstance,
  params: Record<string, string>,
  options: ConnectOptions = {},
): Promise<TokenResponse> {
  const url = `${trimSlash(instance.login_url)}/services/oauth2/token`;
  const secrets = [...authSecrets(instance.auth), ...Object.entries(params).filter(([k]) => k !== 'grant_type' && k !== 'username' && k !== 'client_id').map(([, v]) => v)];
  const timeoutMs = timeoutMsOf(instance);
  const { res, text } = await fetchRetried(
    options.fetch ?? fetch,
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
    },
    {
      timeoutMs,
      retryable: (status) => status >= 500,
      ctx: { what: `POST ${url}`, instance: instance.name, timeoutSeconds: timeoutMs / 1000 },
      policy: options.retry,
      failure: (err) =>
        err instanceof ZdsfError
          ? err
          : new ZdsfError(
              `Cannot reach Salesforce instance ${instance.name} at ${url} (${redact(describeNetworkError(err), secrets)}). ` +
                'Check login_url in the config and the network (proxy, VPN, DNS).',
              'unreachable',
            ),
    },
  );
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (!res.ok) {
    const code = typeof obj.error === 'string' ? obj.error : `HTTP ${res.status}`;
    const html = /html/i.test(res.headers.get('content-type') ?? '') || /^\s*</.test(text);
    const description =
      typeof obj.error_description === 'string' ? obj.error_description : html ? 'an HTML page, not a Salesforce token answer' : text.slice(0, 200);
    const detail = redact(description ? `${code}: ${description}` : code, secrets);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new ZdsfError(
        `Salesforce rejected the ${instance.auth.method} credentials for instance ${instance.name} (${detail}). ` +
          `Check the ${instance.auth.method} settings of salesforce.${instance.name} and the connected app.`,
        'unauthorized',
      );
    }
    throw new ZdsfError(
      `Salesforce token endpoint ${url} answered HTTP ${res.status} for instance ${instance.name} (${detail})` +
        `${res.status >= 500 ? ', also when tried again; the service may be down, try again later' : ''}.`,
      'salesforce_error',
    );
  }
  if (typeof obj.access_token !== 'string') {
    throw new ZdsfError(
      `Salesforce token endpoint ${url} answered without an access_token for instance ${instance.name}; is login_url a Salesforce login URL?`,
      'salesforce_error',
    );
  }
  return {
    ...(obj as unknown as TokenResponse),
    instance_url: typeof obj.instance_url === 'string' ? trimSlash(obj.instance_url) : trimSlash(instance.login_url),
  };
}

/** The token request parameters of a method that uses the token endpoint. */
function tokenParams(instance: SalesforceInstance, options: ConnectOptions): Record<string, string> | undefined {
  const auth = instance.auth;
  switch (auth.method) {
    case 'jwt':
      return {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: buildJwtAssertion(auth, instance.login_url, {
          now: options.now?.(),
          lifetimeSeconds: options.jwtLifetimeSeconds,
          instanceName: instance.name,
        }),
      };
    case 'client_credentials':
      return { grant_type: 'client_credentials', client_id: auth.client_id, client_secret: auth.client_secret };
    case 'password':
      if (auth.client_id && auth.client_secret) {
        return {
          grant_type: 'password',
          client_id: auth.client_id,
          client_secret: auth.client_secret,
          username: auth.username,
          password: auth.password + (auth.security_token ?? ''),
        };
      }
      return undefined;
    case 'access_token':
      return undefined;
  }
}

/** The connection with each request bounded as a whole (body included) by timeout_seconds (bounded-transport.ts). */
function bounded(conn: Connection, instance: SalesforceInstance): Connection {
  boundRequests(conn, timeoutMsOf(instance));
  return conn;
}

/** How many times one connection may renew its session within REFRESH_WINDOW_MS (guards jsforce's
 * refresh-on-401 loop when fresh sessions are refused too, yet lets a long read outlive many sessions). */
const MAX_REFRESHES = 3;
const REFRESH_WINDOW_MS = 60_000;

/**
 * Authenticates to a Salesforce instance and returns a jsforce Connection (API version from the config).
 * Connections obtained by jwt, client_credentials and the OAuth password grant renew their session
 * by themselves when it expires during a long read.
 */
export async function connectSalesforce(instance: SalesforceInstance, options: ConnectOptions = {}): Promise<Connection> {
  const auth = instance.auth;
  const version = instance.api_version;
  const loginUrl = trimSlash(instance.login_url);

  if (auth.method === 'access_token') {
    return bounded(new Connection({ version, loginUrl, instanceUrl: trimSlash(auth.instance_url ?? loginUrl), accessToken: auth.token, logLevel: 'NONE' }), instance);
  }

  const params = tokenParams(instance, options);
  if (params) {
    const token = await requestToken(instance, params, options);
    let refreshes: number[] = [];
    return bounded(new Connection({
      version,
      loginUrl,
      instanceUrl: token.instance_url,
      accessToken: token.access_token,
      logLevel: 'NONE',
      refreshFn: (_conn, callback) => {
        const now = Date.now();
        refreshes = [...refreshes.filter((t) => now - t < REFRESH_WINDOW_MS), now];
        if (refreshes.length > MAX_REFRESHES) {
          callback(new Error(`Salesforce keeps rejecting fresh sessions for instance ${instance.name}`));
          return;
        }
        const again = tokenParams(instance, options) ?? params;
        requestToken(instance, again, options).then(
          (t) => callback(null, t.access_token, t as unknown as Parameters<typeof callback>[2]),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      },
    }), instance);
  }

  // password without a client id/secret: jsforce's SOAP login (username + password + security token)
  if (auth.method !== 'password') throw new Error(`unsupported Salesforce auth method`);
  const conn = bounded(new Connection({ version, loginUrl, logLevel: 'NONE' }), instance); // jsforce's SOAP debug log would show the session id
  try {
    await withRetries(
      () => conn.login(auth.username, auth.password + (auth.security_token ?? '')),
      { what: 'SOAP login', instance: instance.name, timeoutSeconds: timeoutMsOf(instance) / 1000 },
      options.retry,
    );
  } catch (err) {
    if (err instanceof ZdsfError) throw err;
    const translated = translateConnectionError(err, instance, `${loginUrl}/services/Soap/u/${version}`);
    if (translated instanceof ZdsfError) throw translated;
    throw new ZdsfError(
      `Salesforce rejected the password credentials for instance ${instance.name} (${redact(errorParts(err).message, authSecrets(auth))}). ` +
        `Check username, password and security_token of salesforce.${instance.name}.`,
      'unauthorized',
    );
  }
  return conn;
}

/** Error codes Salesforce uses for rejected sessions and logins. */
const AUTH_ERROR_CODES = new Set([
  'INVALID_SESSION_ID',
  'INVALID_AUTH_HEADER',
  'INVALID_LOGIN',
  'LOGIN_MUST_USE_SECURITY_TOKEN',
  'INVALID_GRANT',
  'INVALID_CLIENT',
  'INVALID_CLIENT_ID',
  'API_DISABLED_FOR_ORG',
  'ERROR_HTTP_401',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The (errorCode, message) of an error thrown by jsforce, or of a network failure. */
export function errorParts(err: unknown): { code?: string; message: string; network: boolean } {
  if (!(err instanceof Error)) return { message: String(err), network: false };
  const e = err as Error & { errorCode?: unknown; code?: unknown; cause?: unknown; name: string };
  const errno =
    typeof e.code === 'string'
      ? e.code
      : e.cause && typeof e.cause === 'object' && 'code' in e.cause && typeof e.cause.code === 'string'
        ? e.cause.code
        : undefined;
  if (errno && NETWORK_CODES.has(errno)) return { code: errno, message: e.message, network: true };
  if (e.name === 'FetchError' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET/.test(e.message)) {
    const m = /(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)/.exec(e.message);
    return { code: m?.[1] ?? errno, message: e.message, network: true };
  }
  const code = typeof e.errorCode === 'string' ? e.errorCode : typeof e.code === 'string' ? e.code : undefined;
  return { code, message: e.message, network: false };
}

/**
 * Turns an error from a jsforce call into a ZdsfError when it is about the connection itself:
 * unreachable host (names the URL) or rejected credentials (names the method and instance).
 * Returns the error unchanged otherwise.
 */
export function translateConnectionError(err: unknown, instance: SalesforceInstance, url?: string): unknown {
  if (err instanceof ZdsfError) return err;
  const parts = errorParts(err);
  const secrets = authSecrets(instance.auth);
  if (parts.network) {
    const target = url ?? (instance.auth.method === 'access_token' ? instance.auth.instance_url ?? instance.login_url : instance.login_url);
    return new ZdsfError(
      `Cannot reach Salesforce instance ${instance.name} at ${target} (${parts.code ?? redact(parts.message, secrets)}). ` +
        'Check login_url / instance_url in the config and the network (proxy, VPN, DNS).',
      'unreachable',
    );
  }
  const code = (parts.code ?? '').toUpperCase();
  if (AUTH_ERROR_CODES.has(code) || /^Unable to refresh session/.test(parts.message)) {
    return new ZdsfError(
      `Salesforce rejected the ${instance.auth.method} credentials for instance ${instance.name} (${redact(
        parts.code ? `${parts.code}: ${parts.message}` : parts.message,
        secrets,
      )}). Check the ${instance.auth.method} settings of salesforce.${instance.name}.`,
      'unauthorized',
    );
  }
  return err;
}
