// A minimal node:http adapter around the Salesforce emulator's route, on 127.0.0.1 port 0, so that
// jsforce can be pointed at it (the real sandbox server, src/sandbox/server.ts, does the same job).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SalesforceSeed, SfSeedRecord } from '../../../src/model/seed.js';
import type { SandboxRequest } from '../../../src/sandbox/http.js';
import { createSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '../../../src/sandbox/salesforce/index.js';

export interface TestServer {
  url: string;
  emulator: SalesforceEmulator;
  /** requests seen, as "METHOD /path?query" */
  requests: string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export async function startSalesforce(seed: SalesforceSeed, options: Omit<SalesforceEmulatorOptions, 'baseUrl'> = {}): Promise<TestServer> {
  let url = '';
  const emulator = createSalesforceEmulator(seed, { ...options, baseUrl: () => url });
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        const rawBody = await readBody(req);
        const u = new URL(req.url ?? '/', url);
        requests.push(`${req.method} ${u.pathname}${u.search}`);
        const sreq: SandboxRequest = { method: req.method ?? 'GET', url: u, headers: req.headers, body: parseBody(rawBody, req.headers['content-type']), rawBody };
        const out = await emulator.route(sreq);
        if (!out) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: 'not routed' }));
          return;
        }
        const headers = { ...(out.headers ?? {}) };
        let payload: string | undefined;
        if (out.text !== undefined) payload = out.text;
        else if (out.body !== undefined) payload = JSON.stringify(out.body);
        res.writeHead(out.status, headers);
        res.end(payload);
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify([{ errorCode: 'UNKNOWN_EXCEPTION', message: e instanceof Error ? e.message : String(e) }]));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    emulator,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** A call straight to the route, without HTTP. */
export async function call(
  emulator: SalesforceEmulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown; rawBody?: string; auth?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string>; body: unknown; text?: string }> {
  const headers: Record<string, string> = { ...(init.auth === false ? {} : { authorization: 'Bearer test-token' }), ...(init.headers ?? {}) };
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const rawBody = init.rawBody ?? (init.body === undefined ? '' : JSON.stringify(init.body));
  const res = await emulator.route({ method, url: new URL(path, 'http://127.0.0.1:1'), headers: lowered, body: init.body, rawBody });
  if (!res) throw new Error(`not routed: ${method} ${path}`);
  return { status: res.status, headers: res.headers ?? {}, body: res.body, text: res.text };
}

/** n accounts with ids 001SB...; handy for paging tests */
export function manyAccounts(n: number): SfSeedRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    Id: `001SB${String(i).padStart(10, '0')}AAA`,
    Name: `Account ${String(i).padStart(5, '0')}`,
    Type: i % 3 === 0 ? 'Customer' : 'Prospect',
    NumberOfEmployees: i,
  }));
}
