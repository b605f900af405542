// Matches `/api/v2/...` requests (with or without `.json`) to the emulator's handlers and checks that a
// request is authenticated (credentials.ts); unknown paths answer 404 InvalidEndpoint, a known path with another method 405.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { json } from './responses.js';
import { checkAccess, type ZendeskCredential } from './credentials.js';

/** a handler gets the request and the path's parameters (`:id`, `:job`) in order */
export type Handler = (req: SandboxRequest, params: string[]) => SandboxResponse;

export interface RouterOptions {
  /** runs before every authenticated request is dispatched (the job engine settles due jobs) */
  before?: () => void;
  /** credentials mode: the seed's credentials (undefined: any credentials are accepted) */
  credentials?: () => ZendeskCredential[] | undefined;
}

function match(pattern: string, segs: string[]): string[] | null {
  const parts = pattern.split('/');
  if (parts.length !== segs.length) return null;
  const params: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === ':id') {
      if (!/^\d+$/.test(segs[i])) return null;
      params.push(segs[i]);
    } else if (p === ':job') {
      if (!/^[A-Za-z0-9_-]+$/.test(segs[i]) || segs[i] === 'show_many') return null;
      params.push(segs[i]);
    } else if (p !== segs[i]) return null;
  }
  return params;
}

export class Router {
  private readonly routes: [string, string, Handler][] = [];

  constructor(private readonly options: RouterOptions = {}) {}

  /** `pattern` is the path after /api/v2/ without `.json`, e.g. `users/:id/organization_memberships` */
  on(method: string, pattern: string, handler: Handler): void {
    this.routes.push([method, pattern, handler]);
  }

  route(req: SandboxRequest): SandboxResponse | undefined {
    const path = req.url.pathname;
    if (!path.startsWith('/api/v2/')) return undefined;
    const refused = checkAccess(req, this.options.credentials?.());
    if (refused) return refused;
    this.options.before?.();
    const rest = path.slice('/api/v2/'.length).replace(/\.json$/, '').replace(/\/+$/, '');
    const segs = rest.split('/').map((s) => decodeURIComponent(s));
    let methodAllowed = false;
    for (const [method, pattern, handler] of this.routes) {
      const params = match(pattern, segs);
      if (!params) continue;
      if (method !== req.method) {
        methodAllowed = true;
        continue;
      }
      return handler(req, params);
    }
    if (methodAllowed) return json(405, { error: 'MethodNotAllowed', description: `${req.method} is not allowed on ${path}` });
    return json(404, { error: 'InvalidEndpoint', description: `Not found: the sandbox does not emulate ${req.method} ${path}` });
  }
}
