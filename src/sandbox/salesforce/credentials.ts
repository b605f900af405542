// Credentials mode of the Salesforce emulator. By default any credentials and any bearer token are accepted
// (the demo). A seed's `salesforce.auth` switches the check on:
//   auth:
//     users:   [{ username, password }]          # password grant (password + security token), SOAP login, JWT `sub`
//     clients: [{ client_id, client_secret }]    # client_credentials, the password grant's client, JWT `iss`
//     token_lifetime_seconds: 7200               # an access token is refused after this long (default 7200)
//     token_lifetime_requests: 5                 # ... or after this many API requests (a deviation, for tests)
// Wrong credentials answer the token endpoint's live errors (400 invalid_grant "authentication failure",
// invalid_client_id, invalid_client); an unknown or expired access token answers 401
// `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, so jsforce's refresh runs.
import type { SalesforceSandboxAuth } from '../../model/seed.js';

export type OAuthRefusal = { error: string; error_description: string };

interface Issued {
  expiresAt: number;
  requestsLeft: number;
}

export class SalesforceCredentials {
  private readonly tokens = new Map<string, Issued>();

  constructor(
    private readonly auth: SalesforceSandboxAuth | undefined,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.auth !== undefined;
  }

  /** why the token endpoint refuses these form fields, or undefined (always undefined without credentials mode) */
  refuse(grant: string, form: Record<string, string>, claims: Record<string, unknown> | undefined): OAuthRefusal | undefined {
    const auth = this.auth;
    if (!auth) return undefined;
    const client = (id: unknown): boolean => (auth.clients ?? []).some((c) => c.client_id === id);
    const user = (name: unknown): boolean => (auth.users ?? []).some((u) => u.username === name);
    switch (grant) {
      case 'password':
        if (!client(form.client_id)) return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
        if (!(auth.clients ?? []).some((c) => c.client_id === form.client_id && c.client_secret === form.client_secret)) return { error: 'invalid_client', error_description: 'invalid client credentials' };
        if (!this.passwordOk(form.username, form.password)) return { error: 'invalid_grant', error_description: 'authentication failure' };
        return undefined;
      case 'client_credentials':
        if (!(auth.clients ?? []).some((c) => c.client_id === form.client_id && c.client_secret === form.client_secret)) return { error: 'invalid_client', error_description: 'invalid client credentials' };
        return undefined;
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        if (!client(claims?.iss)) return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
        if (!user(claims?.sub)) return { error: 'invalid_grant', error_description: 'user hasn\'t approved this consumer' };
        return undefined;
      default:
        return { error: 'invalid_grant', error_description: 'authentication failure' };
    }
  }

  /** SOAP login / password grant: the password may carry the security token appended */
  passwordOk(username: string | undefined, password: string | undefined): boolean {
    if (!this.auth) return true;
    return (this.auth.users ?? []).some((u) => u.username === username && (password === u.password || password === `${u.password}${u.security_token ?? ''}`));
  }

  /** records an access token just issued */
  issue(token: string): void {
    if (!this.auth) return;
    const seconds = this.auth.token_lifetime_seconds ?? 7200;
    this.tokens.set(token, { expiresAt: this.now() + seconds * 1000, requestsLeft: this.auth.token_lifetime_requests ?? Number.POSITIVE_INFINITY });
  }

  /** whether an API request with this Authorization header may go on (counts the request against the token) */
  accept(header: string | undefined): boolean {
    const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header?.trim() ?? '');
    if (!m) return false;
    if (!this.auth) return true;
    const issued = this.tokens.get(m[1]);
    if (!issued || this.now() >= issued.expiresAt || issued.requestsLeft <= 0) {
      this.tokens.delete(m[1]);
      return false;
    }
    issued.requestsLeft -= 1;
    return true;
  }
}
