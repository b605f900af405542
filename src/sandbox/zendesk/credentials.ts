// Credentials mode of a Zendesk instance. By default any `Authorization: Basic …` or `Bearer …` is accepted
// (the demo). A seed that lists `credentials` switches the check on: only the listed API tokens
// (`email/token:TOKEN`), passwords (`email:PASSWORD`) and OAuth bearer tokens get in, with their role:
// - no or an unknown credential: 401 `{"error":"Couldn't authenticate you"}` (the body live Zendesk sends);
// - an agent's credential: reads are allowed; writes (POST/PUT/DELETE) answer 403 Forbidden, as live Zendesk
//   answers an agent without the permission to manage organizations and users (the sandbox's approximation:
//   real agent permissions depend on the agent's role and account settings).
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { json } from './responses.js';

export interface ZendeskCredential {
  /** API token (sent as `email/token:TOKEN`) or OAuth access token (with no email: sent as `Bearer TOKEN`) */
  token?: string;
  /** password (sent as `email:PASSWORD`) */
  password?: string;
  email?: string;
  role: 'admin' | 'agent';
}

export const unauthenticated = (): SandboxResponse =>
  json(401, { error: "Couldn't authenticate you" }, { 'WWW-Authenticate': 'Basic realm="Web Password"' });

export const forbidden = (): SandboxResponse =>
  json(403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });

/** the role a request's Authorization header grants, or null when it is refused */
export function authenticate(header: unknown, credentials: ZendeskCredential[] | undefined): 'admin' | 'agent' | null {
  if (typeof header !== 'string') return null;
  const m = /^(Basic|Bearer)\s+(\S+)$/i.exec(header.trim());
  if (!m) return null;
  if (!credentials) return 'admin';
  if (m[1].toLowerCase() === 'bearer') return credentials.find((c) => c.email === undefined && c.token === m[2])?.role ?? null;
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const viaToken = /^(.*)\/token$/.exec(user);
  const email = (viaToken ? viaToken[1] : user).toLowerCase();
  const found = credentials.find((c) => c.email?.toLowerCase() === email && (viaToken ? c.token === secret : c.password !== undefined && c.password === secret));
  return found?.role ?? null;
}

/** undefined when the request may go on, else the 401 / 403 to answer */
export function checkAccess(req: SandboxRequest, credentials: ZendeskCredential[] | undefined): SandboxResponse | undefined {
  const role = authenticate(req.headers.authorization, credentials);
  if (role === null) return unauthenticated();
  if (role === 'agent' && req.method !== 'GET' && req.method !== 'HEAD') return forbidden();
  return undefined;
}
