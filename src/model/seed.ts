// A sandbox seed file (JSON or YAML), DESIGN.md section 7. Also the shape of GET /__sandbox/state.
import type { SfObjectDescribe } from './salesforce.js';
import type { ZdFieldDef, ZdMembership, ZdOrganization, ZdUser } from './zendesk.js';
import type { ZdTicket } from './ticket.js';

/** Salesforce records are flat, keyed by field API name; parents are joined through their Id fields
 * (Contact.AccountId -> Account.Id, Account.OwnerId -> User.Id, RecordTypeId -> RecordType.Id). Child
 * objects (e.g. Customer_Subscription__c with Account__c) are listed under their object name too. */
export type SfSeedRecord = Record<string, unknown> & { Id: string };

/** sandbox only: credentials mode of the Salesforce emulator (src/sandbox/salesforce/credentials.ts) */
export interface SalesforceSandboxAuth {
  users?: { username: string; password: string; security_token?: string }[];
  clients?: { client_id: string; client_secret: string }[];
  /** an access token is refused after this many seconds (default 7200) */
  token_lifetime_seconds?: number;
  /** ... or after this many API requests (a sandbox knob, so that tests can make a session expire mid-read) */
  token_lifetime_requests?: number;
}

export interface SalesforceSeed {
  Account?: SfSeedRecord[];
  Contact?: SfSeedRecord[];
  Lead?: SfSeedRecord[];
  AccountContactRelation?: SfSeedRecord[];
  /** any other object: User, RecordType, Customer_Subscription__c, Zuora__Subscription__c ... */
  [object: string]: SfSeedRecord[] | Record<string, SfObjectDescribe | { fields: SfObjectDescribe['fields']; childRelationships?: SfObjectDescribe['childRelationships'] }> | SalesforceSandboxAuth | undefined;
  /** sandbox only: credentials mode; absent, any credentials are accepted */
  auth?: SalesforceSandboxAuth;
  /** { Object: { fields: [{ name, type, ... }], childRelationships?: [{ relationshipName, childSObject, field }] } };
   * without it, field types are inferred from the values and child relationships from `<Parent>__c` / `AccountId` fields. */
  describe?: Record<string, { fields: SfObjectDescribe['fields']; childRelationships?: SfObjectDescribe['childRelationships'] }>;
}

export interface ZendeskSeed {
  organizations?: Partial<ZdOrganization>[];
  users?: Partial<ZdUser>[];
  organization_memberships?: Partial<ZdMembership>[];
  organization_fields?: Partial<ZdFieldDef>[];
  user_fields?: Partial<ZdFieldDef>[];
  /** the `settings` object of GET /api/v2/account/settings, e.g. { user: { multiple_organizations: true } } */
  settings?: { user?: { multiple_organizations?: boolean; [k: string]: unknown }; [k: string]: unknown };
  /** sandbox only: this instance's per-minute API rate limit (default 700; `--rate-limit` overrides it) */
  rate_limit_per_minute?: number;
  /** sandbox only: credentials mode. Listed, only these get in (others 401; an agent's writes 403); absent,
   * any credentials are accepted. `{ email, token }` is an API token, `{ email, password }` a password,
   * `{ token }` alone an OAuth bearer token. */
  credentials?: { email?: string; token?: string; password?: string; role: 'admin' | 'agent' }[];
  /** sandbox only: the rate-limit headers sent: `ratelimit` (current: ratelimit-limit/-remaining/-reset, the
   * default) or `rate-limit` (as 2023 instances answered: rate-limit, rate-limit-remaining, rate-limit-reset) */
  rate_limit_headers?: 'ratelimit' | 'rate-limit';
  /** tickets, served by the incremental ticket export (src/sandbox/zendesk/tickets.ts) and counted by GET /search/count (ticket-search.ts, issue 17); ids default to 1, 2, ... */
  tickets?: Partial<ZdTicket>[];
  /** sandbox only: the incremental export's own per-minute limit (default 10, as Zendesk's) */
  incremental_export_limit_per_minute?: number;
  /** sandbox only: created_at / updated_at of the seeded records that have none (default: when the seed loads);
   * steady-state seeds set it to when they were made, so their records are not "changed just now" in the exports */
  records_at?: string;
}

/**
 * One sandbox serves one Salesforce org and one or more Zendesk instances:
 * - `zendesk`: the default instance, served at `<base>/api/v2/...`
 * - `zendesk_instances`: more, by name, each served at `<base>/zendesk/<name>/api/v2/...`
 *   (so a config with a global and a US-federal instance runs against one sandbox).
 */
export interface SandboxSeed {
  salesforce?: SalesforceSeed;
  zendesk?: ZendeskSeed;
  zendesk_instances?: Record<string, ZendeskSeed>;
}
