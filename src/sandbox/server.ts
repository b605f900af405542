// The sandbox's HTTP server (DESIGN.md section 7): one node:http server on 127.0.0.1 serving the Salesforce
// emulator under /services/, the default Zendesk instance under /api/v2/, named Zendesk instances under
// /zendesk/<name>/api/v2/, and the control endpoints under /__sandbox/. It applies per-instance rate limits,
// injected faults and latency, and counts requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxSeed, ZendeskSeed } from '../model/seed.js';
import { ZdsfError } from '../util/errors.js';
import type { Emulator, SandboxRequest, SandboxResponse } from './http.js';
import { loadSeed } from './seed.js';
import { createZendeskEmulator, type ZendeskEmulator, type ZendeskEmulatorInfo } from './zendesk/index.js';
import { withTickets } from './zendesk/tickets.js';
import { createSalesforceEmulator, type SalesforceEmulator } from './salesforce/index.js';
import { salesforceChanges } from './salesforce/control.js';
import { prng } from '../util/prng.js';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 700;

export interface SandboxOptions {
  /** the seed, or the path of a seed file (.json, .yaml, .yml) */
  seed: SandboxSeed | string;
  /** 0 or absent: a free port */
  port?: number;
  /** per-minute request limit of every Zendesk instance; overrides the seed's `rate_limit_per_minute` (default 700) */
  rateLimitPerMinute?: number;
  /** see ZendeskEmulatorOptions.jobDelayMs: absent = jobs move one step per poll */
  jobDelayMs?: number;
  /** one line per request (method, path, status, duration); never headers or bodies */
  logger?: (line: string) => void;
  /** seed of the pseudo-random generator behind `error_rate` faults, so runs are repeatable (default 1) */
  faultSeed?: number;
  /** requests a minute each Zendesk instance's incremental exports accept (default 10, as Zendesk) */
  incrementalRateLimitPerMinute?: number;
  /** clock (ms), for tests of rate-limit windows and job delays */
  now?: () => number;
  /** the Zendesk rate-limit headers every instance sends (overrides the seed's `rate_limit_headers`):
   * `ratelimit` = current Zendesk (ratelimit-limit, ratelimit-remaining, ratelimit-reset; the default),
   * `rate-limit` = as recorded from 2023 instances (rate-limit, rate-limit-remaining, rate-limit-reset).
   * Both variants also send X-Rate-Limit and X-Rate-Limit-Remaining. */
  zendeskRateLimitHeaders?: 'ratelimit' | 'rate-limit';
  /** processing time (ms) of a Salesforce Bulk API 2.0 ingest job of n records; absent: one state per status check */
  bulkIngestDelayMs?: (records: number) => number;
}

export interface SandboxFaults {
  /** overrides every instance's limit while set; null = back to the configured limits */
  rate_limit_per_minute: number | null;
  /** share (0..1) of API requests answered 500 or 503 before doing anything */
  error_rate: number;
  /** added to every API request */
  latency_ms: number;
}

export interface SandboxStats {
  /** requests by method and route template, e.g. "POST /api/v2/organizations/create_many", "GET /api/v2/users/{id}" */
  requests: Record<string, number>;
  /** write requests (not GET/HEAD) that reached an emulator, OAuth token requests excepted */
  writes: number;
  /** 429s sent */
  rate_limited: number;
  /** 500/503 answered by the error_rate fault */
  faults_injected: number;
  /** per Zendesk instance ("default" and the named ones) */
  zendesk: Record<string, ZendeskEmulatorInfo & { rate_limit_per_minute: number }>;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** the base URL a zdsf config's zendesk `url:` points at: `url` for the default instance, `url/zendesk/<name>` for a named one */
  zendeskUrl(instance?: string): string;
  /** Salesforce login URL and instance URL (both `url`) */
  salesforceUrl(): string;
  close(): Promise<void>;
  stats(): SandboxStats;
  /** every record, in the shape of a seed file (pending Zendesk jobs are completed first) */
  state(): SandboxSeed;
  /** back to the seed it started with, or to the given one; clears stats, faults and rate-limit windows */
  reset(seed?: SandboxSeed): void;
  faults(update?: Partial<SandboxFaults>): SandboxFaults;
}

interface Instance {
  name: string;
  emulator: ZendeskEmulator;
  seedLimit: number | undefined;
  headerVariant: 'ratelimit' | 'rate-limit';
  windowStart: number;
  count: number;
}


/** "GET /api/v2/users/123.json" -> "GET /api/v2/users/{id}"; Salesforce versions and record ids are templated too. */
export function routeTemplate(method: string, path: string): string {
  const segs = path
    .replace(/\.json$/, '')
    .split('/')
    .map((seg) => {
      if (/^\d+$/.test(seg)) return '{id}';
      if (/^v\d+\.\d+$/.test(seg)) return 'v{version}';
      if (seg.length >= 15 && /\d/.test(seg) && /^[A-Za-z0-9_-]+$/.test(seg)) return '{id}';
      return seg;
    });
  return `${method} ${segs.join('/')}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): { ok: true; body: unknown } | { ok: false; message: string } {
  if (raw.trim() === '') return { ok: true, body: undefined };
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { ok: true, body: Object.fromEntries(new URLSearchParams(raw)) };
  }
  try {
    return { ok: true, body: JSON.parse(raw) as unknown };
  } catch (err) {
    if (contentType && !contentType.includes('json')) return { ok: true, body: raw };
    return { ok: false, message: (err as Error).message };
  }
}

function send(res: ServerResponse, r: SandboxResponse, now: number): void {
  // the Date header on the sandbox's own clock (options.now): zdsf anchors its first export on it (issue 13)
  const headers: Record<string, string> = { Date: new Date(now).toUTCString(), ...(r.headers ?? {}) };
  let payload: string | undefined;
  if (r.text !== undefined) {
    payload = r.text;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else if (r.body !== undefined && r.status !== 204) {
    payload = JSON.stringify(r.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  // encoded once: Buffer.byteLength and then end(string) went over a multi-megabyte page twice (#12 profile)
  const bytes = payload === undefined ? undefined : Buffer.from(payload, 'utf8');
  if (bytes !== undefined) headers['Content-Length'] = String(bytes.length);
  res.writeHead(r.status, headers);
  res.end(bytes);
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  let seed: SandboxSeed = typeof options.seed === 'string' ? await loadSeed(options.seed) : structuredClone(options.seed);
  const now = options.now ?? (() => Date.now());
  const log = options.logger ?? (() => undefined);
  let baseUrl = 'http://127.0.0.1';

  let random = prng(options.faultSeed ?? 1);
  let faults: SandboxFaults = { rate_limit_per_minute: null, error_rate: 0, latency_ms: 0 };
  let stats = { requests: {} as Record<string, number>, writes: 0, rate_limited: 0, faults_injected: 0 };
  let salesforce: SalesforceEmulator;
  let instances = new Map<string, Instance>();

  const build = (s: SandboxSeed): void => {
    salesforce = createSalesforceEmulator(s.salesforce ?? {}, { baseUrl: () => baseUrl, authNow: now, changeNow: now, ...(options.bulkIngestDelayMs ? { bulkIngestDelayMs: options.bulkIngestDelayMs } : {}) });
    instances = new Map();
    const add = (name: string, zs: ZendeskSeed | undefined, prefix: string): void => {
      const instanceUrl = (): string => `${baseUrl}${prefix}`;
      const emulator = withTickets(createZendeskEmulator(zs, { baseUrl: instanceUrl, jobDelayMs: options.jobDelayMs, now, incrementalRateLimitPerMinute: options.incrementalRateLimitPerMinute }), zs, { baseUrl: instanceUrl, now });
      const headerVariant = options.zendeskRateLimitHeaders ?? zs?.rate_limit_headers ?? 'ratelimit';
      instances.set(name, { name, emulator, seedLimit: zs?.rate_limit_per_minute, headerVariant, windowStart: now(), count: 0 });
    };
    add('default', s.zendesk, '');
    for (const [name, zs] of Object.entries(s.zendesk_instances ?? {})) add(name, zs, `/zendesk/${encodeURIComponent(name)}`);
  };
  build(seed);

  const limitOf = (inst: Instance): number =>
    faults.rate_limit_per_minute ?? options.rateLimitPerMinute ?? inst.seedLimit ?? DEFAULT_RATE_LIMIT_PER_MINUTE;

  const state = (): SandboxSeed => {
    const zendesk = (inst: Instance): ZendeskSeed => {
      const st = inst.emulator.state();
      return inst.seedLimit !== undefined ? { ...st, rate_limit_per_minute: inst.seedLimit } : st;
    };
    const out: SandboxSeed = { salesforce: salesforce.state() };
    const def = instances.get('default');
    if (def) out.zendesk = zendesk(def);
    const others = [...instances.entries()].filter(([name]) => name !== 'default');
    if (others.length > 0 || seed.zendesk_instances) {
      out.zendesk_instances = Object.fromEntries(others.map(([name, inst]) => [name, zendesk(inst)]));
    }
    return out;
  };

  const reset = (next?: SandboxSeed): void => {
    if (next) seed = structuredClone(next);
    build(seed);
    faults = { rate_limit_per_minute: null, error_rate: 0, latency_ms: 0 };
    stats = { requests: {}, writes: 0, rate_limited: 0, faults_injected: 0 };
    random = prng(options.faultSeed ?? 1);
  };

  const setFaults = (update?: Partial<SandboxFaults>): SandboxFaults => {
    if (update) faults = { ...faults, ...update };
    return { ...faults };
  };

  const getStats = (): SandboxStats => ({
    requests: { ...stats.requests },
    writes: stats.writes,
    rate_limited: stats.rate_limited,
    faults_injected: stats.faults_injected,
    zendesk: Object.fromEntries([...instances.values()].map((i) => [i.name, { ...i.emulator.info(), rate_limit_per_minute: limitOf(i) }])),
  });

  function control(method: string, path: string, body: unknown): SandboxResponse {
    const name = path.slice('/__sandbox/'.length).replace(/\/+$/, '');
    if (name === 'state' && method === 'GET') return { status: 200, body: state() };
    if (name === 'stats' && method === 'GET') return { status: 200, body: getStats() };
    if (name === 'faults' && method === 'GET') return { status: 200, body: { faults: setFaults() } };
    if (name === 'faults' && method === 'POST') {
      const problem = checkFaults(body);
      if (problem) return { status: 400, body: { error: 'InvalidFaults', description: problem } };
      return { status: 200, body: { faults: setFaults(body as Partial<SandboxFaults>) } };
    }
    if (name === 'salesforce/changes' && method === 'POST') return salesforceChanges(salesforce, body);
    if (name === 'reset' && method === 'POST') {
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        return { status: 400, body: { error: 'InvalidSeed', description: 'POST /__sandbox/reset takes no body, or a seed object ({ salesforce, zendesk, zendesk_instances }).' } };
      }
      reset(body as SandboxSeed | undefined);
      return { status: 200, body: { reset: true } };
    }
    return {
      status: 404,
      body: { error: 'InvalidEndpoint', description: 'Control endpoints: GET /__sandbox/state, GET /__sandbox/stats, GET|POST /__sandbox/faults, POST /__sandbox/reset, POST /__sandbox/salesforce/changes' },
    };
  }

  async function handle(req: IncomingMessage): Promise<SandboxResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const raw = await readBody(req);
    const parsed = parseBody(raw, req.headers['content-type']);
    if (!parsed.ok) return { status: 400, body: { error: 'InvalidJSON', description: `The request body is not valid JSON: ${parsed.message}` } };
    const body = parsed.body;

    if (path.startsWith('/__sandbox/')) return control(method, path, body);

    let emulator: Emulator<unknown> | undefined;
    let instance: Instance | undefined;
    let innerUrl = url;
    if (path.startsWith('/services/')) {
      emulator = salesforce as Emulator<unknown>;
    } else if (path.startsWith('/api/v2/')) {
      instance = instances.get('default');
    } else {
      const m = /^\/zendesk\/([^/]+)(\/api\/v2\/.*)$/.exec(path);
      if (m) {
        const name = decodeURIComponent(m[1]);
        instance = name === 'default' ? undefined : instances.get(name);
        if (!instance) {
          const names = [...instances.keys()].filter((n) => n !== 'default');
          return { status: 404, body: { error: 'InvalidEndpoint', description: `No Zendesk instance "${name}" in the seed's zendesk_instances (${names.join(', ') || 'none'}).` } };
        }
        innerUrl = new URL(`${m[2]}${url.search}`, baseUrl);
      }
    }
    if (instance) emulator = instance.emulator as Emulator<unknown>;
    if (!emulator) {
      return { status: 404, body: { error: 'InvalidEndpoint', description: `Not found: ${method} ${path}. The sandbox serves /services/** (Salesforce), /api/v2/** and /zendesk/<name>/api/v2/** (Zendesk), /__sandbox/*.` } };
    }
    const key = routeTemplate(method, path);
    stats.requests[key] = (stats.requests[key] ?? 0) + 1;

    if (faults.latency_ms > 0) await sleep(faults.latency_ms);

    let rateHeaders: Record<string, string> = {};
    if (instance) {
      const limit = limitOf(instance);
      const t = now();
      if (t - instance.windowStart >= 60_000) {
        instance.windowStart = t;
        instance.count = 0;
      }
      const resetIn = Math.max(1, Math.ceil((instance.windowStart + 60_000 - t) / 1000));
      if (instance.count >= limit) {
        stats.rate_limited++;
        return {
          status: 429,
          headers: { 'Retry-After': String(resetIn), ...rateLimitHeaders(instance.headerVariant, limit, 0, resetIn) },
          body: { error: 'APIRateLimitExceeded', description: `Number of allowed API requests per minute exceeded (${limit}). Retry after ${resetIn} seconds.` },
        };
      }
      instance.count++;
      rateHeaders = rateLimitHeaders(instance.headerVariant, limit, Math.max(0, limit - instance.count), resetIn);
    }

    if (faults.error_rate > 0 && random() < faults.error_rate) {
      stats.faults_injected++;
      // 503 carries Retry-After (Zendesk sends it when overloaded); node-zendesk treats any Retry-After as a 429.
      const unavailable = random() < 0.5;
      return unavailable
        ? { status: 503, headers: { ...rateHeaders, 'Retry-After': '1' }, body: { error: 'ServiceUnavailable', description: 'Injected fault (sandbox error_rate): service unavailable.' } }
        : { status: 500, headers: rateHeaders, body: { error: 'InternalServerError', description: 'Injected fault (sandbox error_rate): internal server error.' } };
    }

    const sreq: SandboxRequest = { method, url: innerUrl, headers: req.headers, body, rawBody: raw };
    const answer = await emulator.route(sreq);
    if (!answer) {
      return { status: 404, headers: rateHeaders, body: { error: 'InvalidEndpoint', description: `Not found: the sandbox does not emulate ${method} ${path}` } };
    }
    if (method !== 'GET' && method !== 'HEAD' && !path.startsWith('/services/oauth2/')) stats.writes++;
    return { ...answer, headers: { ...rateHeaders, ...(answer.headers ?? {}) } };
  }

  const server: Server = createServer((req, res) => {
    const started = now();
    handle(req)
      .catch((err: unknown): SandboxResponse => ({
        status: 500,
        body: { error: 'SandboxError', description: `The sandbox failed on this request: ${err instanceof Error ? err.message : String(err)}` },
      }))
      .then((answer) => {
        send(res, answer, now());
        log(`${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]} -> ${answer.status} (${now() - started} ms)`);
      })
      .catch(() => res.destroy());
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === 'EADDRINUSE'
          ? new ZdsfError(`Port ${options.port} is already in use on 127.0.0.1: choose another with --port, or --port 0 for a free one.`, 'port_in_use')
          : new ZdsfError(`The sandbox could not listen on 127.0.0.1:${options.port ?? 0}: ${err.message}`, 'listen_failed'),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    zendeskUrl(instance?: string): string {
      if (instance === undefined || instance === 'default') return baseUrl;
      if (!instances.has(instance)) {
        const names = [...instances.keys()].filter((n) => n !== 'default');
        throw new ZdsfError(`No Zendesk instance "${instance}" in the sandbox seed's zendesk_instances (${names.join(', ') || 'none'}).`, 'unknown_instance');
      }
      return `${baseUrl}/zendesk/${encodeURIComponent(instance)}`;
    },
    salesforceUrl: () => baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    stats: getStats,
    state,
    reset,
    faults: setFaults,
  };
}

/** Zendesk's rate-limit headers: current instances send ratelimit-*, those recorded in 2023 rate-limit-*
 * (test/contract/fixtures/live/); both send X-Rate-Limit and X-Rate-Limit-Remaining. */
function rateLimitHeaders(variant: 'ratelimit' | 'rate-limit', limit: number, remaining: number, resetIn: number): Record<string, string> {
  const p = variant === 'rate-limit' ? 'rate-limit' : 'ratelimit';
  return {
    'X-Rate-Limit': String(limit),
    'X-Rate-Limit-Remaining': String(remaining),
    [variant === 'rate-limit' ? 'rate-limit' : 'ratelimit-limit']: String(limit),
    [`${p}-remaining`]: String(remaining),
    [`${p}-reset`]: String(resetIn),
  };
}

function checkFaults(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Send a JSON object: { "rate_limit_per_minute": N|null, "error_rate": 0..1, "latency_ms": N }.';
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!['rate_limit_per_minute', 'error_rate', 'latency_ms'].includes(k)) return `Unknown fault "${k}": use rate_limit_per_minute, error_rate, latency_ms.`;
  if ('rate_limit_per_minute' in b && b.rate_limit_per_minute !== null && !(Number.isInteger(b.rate_limit_per_minute) && (b.rate_limit_per_minute as number) >= 0)) return 'rate_limit_per_minute must be a whole number >= 0, or null.';
  if ('error_rate' in b && !(typeof b.error_rate === 'number' && b.error_rate >= 0 && b.error_rate <= 1)) return 'error_rate must be a number from 0 to 1.';
  if ('latency_ms' in b && !(typeof b.latency_ms === 'number' && b.latency_ms >= 0 && b.latency_ms <= 60_000)) return 'latency_ms must be a number from 0 to 60000.';
  return null;
}
