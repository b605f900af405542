// Shared set-up of the relationship end-to-end tests (issue 6): small seeds for DESIGN.md section 5's
// scenarios, a sync.yaml per relationship setting written to a temp dir, and one plan + apply round over the
// sandbox with the real Salesforce reader, Zendesk reader and writer. Every Zendesk request the readers and the
// writer send is recorded (method, path, parsed body), so tests can say what was written, not only what the
// state ended as.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import type { Plan } from '../../src/model/plan.js';
import type { SandboxSeed, SfSeedRecord } from '../../src/model/seed.js';
import type { ZdMembership, ZdUser } from '../../src/model/zendesk.js';
import type { ApplyResult } from '../../src/apply/index.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { runApply } from '../../src/services/apply.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import type { FetchLike } from '../../src/zendesk/transport.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';

/** Fast polling and backoff for the sandbox (its jobs complete in a step or two). */
export const FAST = { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50 };

// ------------------------------------------------------------------------------------------------ settings

/** The five settings columns of DESIGN.md section 5, in the table's order. */
export type Column = 'none' | 'multi-org' | 'primary' | 'multi-org+primary' | 'multi-org+primary+secondary';
export const COLUMNS: readonly Column[] = ['none', 'multi-org', 'primary', 'multi-org+primary', 'multi-org+primary+secondary'];

export interface Settings {
  /** zendesk.<instance>.multiple_organizations, and the Zendesk account's setting */
  multi: boolean;
  /** users.relationships.primary */
  primary: boolean;
  /** users.relationships.secondary */
  secondary: boolean;
}

/** "none" = neither primary sync nor multiple organizations. */
export function settingsOf(column: Column): Settings {
  return { multi: column.startsWith('multi-org'), primary: column.includes('primary'), secondary: column.endsWith('secondary') };
}

// ------------------------------------------------------------------------------------------------ records

/** Salesforce Account Ids (18 characters, as Salesforce gives them). */
export const ACCOUNT = {
  /** the contact's primary account in S3, S4, S6; synced to org ORG.ACME */
  ACME: '001000000000001AAA',
  /** the user's other default organization in S1, S4, S5 */
  OTHER: '001000000000002AAA',
  /** a secondary account (indirect, active relation) */
  PARTNER: '001000000000003AAA',
  /** a secondary account whose relation is inactive */
  LAPSED: '001000000000004AAA',
  /** a prospect: outside the organizations query, no Zendesk organization (S5, S7) */
  PROSPECT: '001000000000005AAA',
} as const;

/** Zendesk organization ids of the synced accounts. */
export const ORG = { ACME: 100, OTHER: 200, PARTNER: 300, LAPSED: 400 } as const;

export const ACCOUNT_NAMES: Record<string, string> = {
  [ACCOUNT.ACME]: 'Acme',
  [ACCOUNT.OTHER]: 'Other Corp',
  [ACCOUNT.PARTNER]: 'Partner Corp',
  [ACCOUNT.LAPSED]: 'Lapsed Corp',
  [ACCOUNT.PROSPECT]: 'Prospect Co',
};

/** The Zendesk user that exists in S1, S3, S4, S5. */
export const USER_ID = 10;
export const EMAIL = 'ann@acme.example';
export const CONTACT_ID = '003000000000001AAA';
/** the contact's name and title in Salesforce; Zendesk starts with OLD_NAME and no job title */
export const NEW_NAME = 'Ann Example';
export const OLD_NAME = 'Old Name';
export const TITLE = 'CTO';

export function account(id: string, type = id === ACCOUNT.PROSPECT ? 'Prospect' : 'Customer'): SfSeedRecord {
  return { Id: id, Name: ACCOUNT_NAMES[id] ?? id, Type: type, CreatedDate: '2020-01-01T00:00:00.000+0000' };
}

export function contact(id: string, email: string | null, accountId: string | null, extra: Record<string, unknown> = {}): SfSeedRecord {
  return { Id: id, Name: NEW_NAME, Email: email, Title: TITLE, AccountId: accountId, CreatedDate: '2021-01-01T00:00:00.000+0000', ...extra };
}

export function lead(id: string, email: string, extra: Record<string, unknown> = {}): SfSeedRecord {
  return { Id: id, Name: NEW_NAME, Email: email, Title: TITLE, IsConverted: false, CreatedDate: '2019-01-01T00:00:00.000+0000', ...extra };
}

/** An AccountContactRelation row. */
export function relation(id: string, contactId: string, accountId: string, isDirect: boolean, isActive = true): SfSeedRecord {
  return { Id: id, AccountId: accountId, ContactId: contactId, IsDirect: isDirect, IsActive: isActive };
}

export function zOrg(id: number, accountId: string): Record<string, unknown> {
  return {
    id,
    name: ACCOUNT_NAMES[accountId],
    external_id: accountId,
    tags: [],
    domain_names: [],
    notes: null,
    details: null,
    organization_fields: {},
  };
}

export function zUser(id: number, email: string, organizationId: number | null, extra: Record<string, unknown> = {}): Partial<ZdUser> {
  return {
    id,
    name: OLD_NAME,
    email,
    role: 'end-user',
    external_id: null,
    organization_id: organizationId,
    tags: [],
    user_fields: { job_title: null },
    verified: true,
    active: true,
    ...extra,
  };
}

const DESCRIBE = {
  Account: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Type', type: 'picklist' },
      { name: 'CreatedDate', type: 'datetime' },
    ],
    childRelationships: [
      { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
      { relationshipName: 'AccountContactRelations', childSObject: 'AccountContactRelation', field: 'AccountId' },
    ],
  },
  Contact: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
  Lead: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'Name', type: 'string' },
      { name: 'Email', type: 'email' },
      { name: 'Title', type: 'string' },
      { name: 'IsConverted', type: 'boolean' },
      { name: 'CreatedDate', type: 'datetime' },
    ],
  },
  AccountContactRelation: {
    fields: [
      { name: 'Id', type: 'id' },
      { name: 'AccountId', type: 'reference', relationshipName: 'Account', referenceTo: ['Account'] },
      { name: 'ContactId', type: 'reference', relationshipName: 'Contact', referenceTo: ['Contact'] },
      { name: 'IsDirect', type: 'boolean' },
      { name: 'IsActive', type: 'boolean' },
    ],
  },
};

export interface SeedParts {
  multi: boolean;
  contacts?: SfSeedRecord[];
  leads?: SfSeedRecord[];
  relations?: SfSeedRecord[];
  users?: Partial<ZdUser>[];
  memberships?: Partial<ZdMembership>[];
  /** more accounts than the five of ACCOUNT */
  accounts?: SfSeedRecord[];
  /** more organizations than the four synced ones */
  organizations?: Record<string, unknown>[];
}

/**
 * A seed with the five accounts of ACCOUNT (four customers with their organizations, one prospect without),
 * the given people and Zendesk users, a `job_title` user field, and the Zendesk account's multiple
 * organizations setting.
 */
export function makeSeed(parts: SeedParts): SandboxSeed {
  return {
    salesforce: {
      Account: [
        account(ACCOUNT.ACME),
        account(ACCOUNT.OTHER),
        account(ACCOUNT.PARTNER),
        account(ACCOUNT.LAPSED),
        account(ACCOUNT.PROSPECT),
        ...(parts.accounts ?? []),
      ],
      Contact: parts.contacts ?? [],
      Lead: parts.leads ?? [],
      AccountContactRelation: parts.relations ?? [],
      describe: DESCRIBE,
    },
    zendesk: {
      organizations: [zOrg(ORG.ACME, ACCOUNT.ACME), zOrg(ORG.OTHER, ACCOUNT.OTHER), zOrg(ORG.PARTNER, ACCOUNT.PARTNER), zOrg(ORG.LAPSED, ACCOUNT.LAPSED), ...(parts.organizations ?? [])],
      users: parts.users ?? [],
      organization_memberships: parts.memberships ?? [],
      organization_fields: [],
      user_fields: [{ id: 370001, key: 'job_title', type: 'text', title: 'Job title', active: true }],
      settings: { user: { multiple_organizations: parts.multi } },
    },
  };
}

// ------------------------------------------------------------------------------------------------ scenarios

export type Scenario = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7';

export const SCENARIO_TEXT: Record<Scenario, string> = {
  S1: 'contact without account, matches a user',
  S2: 'contact without account, no user',
  S3: "account synced, user's default org is that account's",
  S4: "account synced, user's default org is another",
  S5: 'account not synced to an org, user exists',
  S6: 'account synced, no user',
  S7: 'account not synced, no user',
};

/**
 * One scenario of the table: contact CONTACT_ID (ann@acme.example, "Ann Example", title CTO), linked to
 * Acme (synced), to Prospect Co (not synced) or to no account; the Zendesk user 10 ("Old Name", no job title)
 * in Acme or Other Corp (one default membership), or no user. Only the primary relationship (a direct
 * AccountContactRelation, as Salesforce keeps one for every contact with an account).
 */
export function scenarioSeed(scenario: Scenario, multi: boolean): SandboxSeed {
  const accountId: Record<Scenario, string | null> = {
    S1: null,
    S2: null,
    S3: ACCOUNT.ACME,
    S4: ACCOUNT.ACME,
    S5: ACCOUNT.PROSPECT,
    S6: ACCOUNT.ACME,
    S7: ACCOUNT.PROSPECT,
  };
  const userOrg: Record<Scenario, number | null | undefined> = {
    S1: ORG.OTHER,
    S2: undefined,
    S3: ORG.ACME,
    S4: ORG.OTHER,
    S5: ORG.OTHER,
    S6: undefined,
    S7: undefined,
  };
  const acct = accountId[scenario];
  const orgId = userOrg[scenario];
  return makeSeed({
    multi,
    contacts: [contact(CONTACT_ID, EMAIL, acct)],
    relations: acct ? [relation('07k000000000001AAA', CONTACT_ID, acct, true)] : [],
    users: orgId === undefined ? [] : [zUser(USER_ID, EMAIL, orgId)],
    memberships: orgId === undefined || orgId === null ? [] : [{ id: 5001, user_id: USER_ID, organization_id: orgId, default: true }],
  });
}

// ------------------------------------------------------------------------------------------------ config

/** sync.yaml for one setting: organizations are the customers, users come from contacts and leads. */
export function configYaml(s: Settings): string {
  return `# zdsf relationship tests (issue 6): settings ${JSON.stringify(s)}
version: 1
salesforce:
  sf:
    login_url: \${SF_LOGIN_URL}
    api_version: "62.0"
    auth: { method: access_token, token: "\${SF_ACCESS_TOKEN}" }
zendesk:
  zd:
    url: \${ZD_URL}
    auth: { method: api_token, email: ops@example.com, token: "\${ZD_API_TOKEN}" }
    multiple_organizations: ${s.multi}
syncs:
  rel:
    from: sf
    to: zd
    organizations:
      where: "Type = 'Customer'"
      name: Name
    users:
      sources:
        - { object: Contact }
        - { object: Lead, where: "IsConverted = false" }
      name: Name
      fields: { job_title: Title }
      relationships: { primary: ${s.primary}, secondary: ${s.secondary} }
`;
}

/** Writes and loads configs in one temp dir, pointed at the sandbox. */
export class ConfigDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'zdsf-rel-'));
  private readonly cache = new Map<string, Config>();

  constructor(private readonly sandbox: Sandbox) {}

  env(): Record<string, string> {
    return { SF_LOGIN_URL: this.sandbox.salesforceUrl(), ZD_URL: this.sandbox.zendeskUrl(), SF_ACCESS_TOKEN: 'sandbox-token', ZD_API_TOKEN: 'sandbox-token' };
  }

  async load(s: Settings): Promise<Config> {
    const name = `sync-${s.multi ? 'm' : ''}${s.primary ? 'p' : ''}${s.secondary ? 's' : ''}.yaml`;
    const hit = this.cache.get(name);
    if (hit) return hit;
    const file = join(this.dir, name);
    writeFileSync(file, configYaml(s));
    const config = await loadConfigOrThrow({ file, env: this.env() });
    this.cache.set(name, config);
    return config;
  }

  /** Loads a YAML text as given (for the demo config, or a config with something changed). */
  async loadText(name: string, text: string, env: Record<string, string> = this.env()): Promise<Config> {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return loadConfigOrThrow({ file, env });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------ requests

export interface RecordedRequest {
  method: string;
  /** the path after /api/v2, without .json: /users/create_or_update_many, /organization_memberships */
  path: string;
  body: unknown;
}

/** A fetch that records every Zendesk request before sending it. */
export function recordingFetch(log: RecordedRequest[]): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const at = url.pathname.indexOf('/api/v2');
    const path = (at >= 0 ? url.pathname.slice(at + '/api/v2'.length) : url.pathname).replace(/\.json$/, '');
    let body: unknown = init.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        // keep the text
      }
    }
    log.push({ method: (init.method ?? 'GET').toUpperCase(), path, body });
    return globalThis.fetch(input, init);
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(body: unknown, one: string, many: string): Record<string, unknown>[] {
  if (!isObject(body)) return [];
  if (Array.isArray(body[many])) return (body[many] as unknown[]).filter(isObject);
  if (isObject(body[one])) return [body[one]];
  return [];
}

/** Every user record a write request carried (create, create_or_update(_many), update(_many), PUT users/{id}),
 * with the user id of the path when there is one. */
export function userWrites(log: RecordedRequest[]): { path: string; user: Record<string, unknown>; pathId: number | null }[] {
  const out: { path: string; user: Record<string, unknown>; pathId: number | null }[] = [];
  for (const r of log) {
    if (r.method === 'GET' || !/^\/users(\/|$)/.test(r.path) || r.path.includes('organization')) continue;
    const m = /^\/users\/(\d+)$/.exec(r.path);
    for (const user of listOf(r.body, 'user', 'users')) out.push({ path: r.path, user, pathId: m ? Number(m[1]) : null });
  }
  return out;
}

/** Every membership a create request carried. */
export function membershipCreates(log: RecordedRequest[]): Record<string, unknown>[] {
  return log
    .filter((r) => r.method === 'POST' && /organization_memberships/.test(r.path))
    .flatMap((r) => listOf(r.body, 'organization_membership', 'organization_memberships'));
}

export function makeDefaultRequests(log: RecordedRequest[]): RecordedRequest[] {
  return log.filter((r) => r.method === 'PUT' && r.path.endsWith('/make_default'));
}

// ------------------------------------------------------------------------------------------------ one round

export interface Round {
  plan: Plan;
  result: ApplyResult | null;
  /** Zendesk requests of plan + apply */
  requests: RecordedRequest[];
  /** the apply's requests only */
  applyRequests: RecordedRequest[];
}

export function planWith(config: Config, log: RecordedRequest[] = []): Promise<Plan> {
  return createPlan({ config, source: createSalesforceReader(), target: createZendeskReader({ ...FAST, fetch: recordingFetch(log) }) });
}

/** plan, then (when the plan has no error) apply it with allowDelete. */
export async function planAndApply(config: Config): Promise<Round> {
  const requests: RecordedRequest[] = [];
  const plan = await planWith(config, requests);
  if (plan.syncs.some((s) => s.error !== undefined)) return { plan, result: null, requests, applyRequests: [] };
  const applyRequests: RecordedRequest[] = [];
  const result = await runApply({
    config,
    plan,
    allowDelete: true,
    writerFor: (instance) => createZendeskWriter(instance, { ...FAST, fetch: recordingFetch(applyRequests) }),
    // as the CLI does: apply may read the whole instance instead of looking records up one by one
    target: createZendeskReader({ ...FAST, fetch: recordingFetch(applyRequests) }),
  });
  requests.push(...applyRequests);
  return { plan, result, requests, applyRequests };
}

// ------------------------------------------------------------------------------------------------ state

export interface ZendeskView {
  users: Partial<ZdUser>[];
  memberships: Partial<ZdMembership>[];
}

export function zendeskState(sandbox: Sandbox): ZendeskView {
  const z = sandbox.state().zendesk ?? {};
  return { users: z.users ?? [], memberships: z.organization_memberships ?? [] };
}

export function userByEmail(view: ZendeskView, email: string): Partial<ZdUser> | undefined {
  return view.users.filter((u) => (u.email ?? '').toLowerCase() === email.toLowerCase())[0];
}

/** The users with this email (to check there is exactly one). */
export function usersWithEmail(view: ZendeskView, email: string): Partial<ZdUser>[] {
  return view.users.filter((u) => (u.email ?? '').toLowerCase() === email.toLowerCase());
}

export function membershipsOf(view: ZendeskView, userId: number | undefined): Partial<ZdMembership>[] {
  return view.memberships.filter((m) => m.user_id === userId);
}

/** `user_id:organization_id` of each membership, sorted, for comparing sets. */
export function membershipPairs(view: ZendeskView): string[] {
  return view.memberships.map((m) => `${m.user_id}:${m.organization_id}`).sort();
}

/** Plan changes as one line each, for readable failures. */
export function changeLines(plan: Plan): string[] {
  return plan.syncs.flatMap((s) => s.changes.map((c) => `${c.type} ${c.action} ${c.label}${c.reason ? ` (${c.reason})` : ''}: ${JSON.stringify(c.diff)}`));
}
