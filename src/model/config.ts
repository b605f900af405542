// The typed configuration produced by src/config (after YAML parsing, ${ENV} interpolation,
// secrets read from files, schema validation, semantic checks and defaults).
// Everything downstream (salesforce, zendesk, map, reconcile, apply) reads this, never raw YAML.

/** Where a node came from in sync.yaml, for messages such as `sync.yaml:12:5: ...`. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export type Scalar = string | number | boolean | null;

export type Aggregate = 'first' | 'last' | 'min' | 'max' | 'sum' | 'count' | 'join';

/**
 * A mapping, in one of the four forms of DESIGN.md section 2, normalised:
 * - `Owner.Name`                                  -> { kind: 'field', from: 'Owner.Name' }
 * - `{ from, map?, default?, aggregate?, separator? }` -> { kind: 'field', ... }
 *   (`from` may name `Relationship__r.Field__c` of an `include`d child relationship when `aggregate` is set)
 * - `{ value: constant }`                         -> { kind: 'value', value }
 * - `{ template: "{Name} ({Type})" }`             -> { kind: 'template', template }
 * `name` is the mapping's path in the config (e.g. `syncs.global.organizations.fields.health`), `pos` its location.
 */
export type Mapping =
  | {
      kind: 'field';
      from: string;
      map?: Record<string, Scalar>;
      default?: Scalar;
      aggregate?: Aggregate;
      /** for aggregate: join (default ", ") */
      separator?: string;
      name: string;
      pos?: SourcePos;
    }
  | { kind: 'value'; value: Scalar; name: string; pos?: SourcePos }
  | { kind: 'template'; template: string; name: string; pos?: SourcePos };

export interface TagRule {
  /** Prefix put before every produced tag; tags with this prefix are owned by zdsf. Default "". */
  prefix: string;
  /** Salesforce field paths whose (normalised) values become tags. */
  from: string[];
  /** Constant tags always present (also owned). */
  static: string[];
  pos?: SourcePos;
}

export type SalesforceAuth =
  | { method: 'jwt'; client_id: string; username: string; private_key: string; audience?: string }
  | { method: 'client_credentials'; client_id: string; client_secret: string }
  | { method: 'access_token'; token: string; instance_url?: string }
  | {
      method: 'password';
      username: string;
      password: string;
      security_token?: string;
      client_id?: string;
      client_secret?: string;
    };

export interface SalesforceInstance {
  name: string;
  /** default https://login.salesforce.com */
  login_url: string;
  /** default "62.0" */
  api_version: string;
  /** how long one request may wait for an answer, seconds (default 120) */
  timeout_seconds?: number;
  auth: SalesforceAuth;
  pos?: SourcePos;
}

export type ZendeskAuth =
  | { method: 'api_token'; email: string; token: string }
  | { method: 'oauth'; token: string };

export interface ZendeskInstance {
  name: string;
  /** Base URL without trailing slash, e.g. https://example.zendesk.com (from `subdomain` or `url`). */
  url: string;
  auth: ZendeskAuth;
  /** Must agree with the account setting (checked by plan). Default false. */
  multiple_organizations: boolean;
  /** Never send more than this many requests a minute (default: the account's own limit as reported by headers). */
  max_requests_per_minute?: number;
  /** how long one request may wait for an answer, seconds (default 30) */
  timeout_seconds?: number;
  pos?: SourcePos;
}

export interface IncludeSpec {
  /** Child relationship name, e.g. Customer_Subscriptions__r */
  relationship: string;
  where?: string;
  /** Extra child fields to read besides those the mappings use. */
  fields: string[];
  pos?: SourcePos;
}

export interface RetentionRule {
  /** SOQL condition on Account; matching accounts' organizations are deleted (with --allow-delete). */
  delete_when: string;
  /** Refuse to delete more than this many organizations unless forced. Default: 10% of the instance's orgs. */
  max_deletes?: number;
  /** Keep (do not delete) an organization with a ticket that is not closed (new, open, pending, hold, solved).
   * Default true (undefined means true). */
  keep_if_open_tickets?: boolean;
  /** Keep an organization with a ticket updated within this many days (closed ones included). Default: off. */
  keep_if_ticket_within_days?: number;
  pos?: SourcePos;
}

export interface OrganizationSync {
  where?: string;
  /** RecordType.DeveloperName values. */
  record_types?: string[];
  /** default external_id */
  match: 'external_id' | 'name';
  /** default false */
  adopt_by_name: boolean;
  /** default { kind: 'field', from: 'Name' } */
  name: Mapping;
  domain_names?: Mapping;
  notes?: Mapping;
  details?: Mapping;
  /** Zendesk organization field key -> mapping */
  fields: Record<string, Mapping>;
  /** create missing organization fields and dropdown / multiselect options (issue 17, docs/fields.md); absent: false */
  manage_fields?: boolean;
  include: IncludeSpec[];
  tags?: TagRule;
  retention?: RetentionRule;
  pos?: SourcePos;
}

export interface UserSource {
  object: 'Contact' | 'Lead';
  where?: string;
  record_types?: string[];
  pos?: SourcePos;
}

export interface UserSync {
  sources: UserSource[];
  /** default email */
  match: 'email' | 'external_id';
  /** field path of the email, default Email */
  email: string;
  /** default { kind: 'field', from: 'Name' } */
  name: Mapping;
  phone?: Mapping;
  notes?: Mapping;
  details?: Mapping;
  /** Zendesk user field key -> mapping */
  fields: Record<string, Mapping>;
  /** create missing user fields and dropdown / multiselect options (issue 17, docs/fields.md); absent: false */
  manage_fields?: boolean;
  tags?: TagRule;
  /** default false: users are created verified with skip_verify_email, so no welcome mail goes out */
  verify_email: boolean;
  /** default { primary: true, secondary: false } */
  relationships: { primary: boolean; secondary: boolean };
  /** offboarding (issue 17): what zdsf does with the users it owns whose Salesforce record left the sync; off when absent */
  offboard?: OffboardRule;
  /** Users created from a child relationship (e.g. sold-to contacts) only for organizations this plan creates. */
  create_for_new_organizations?: { from: string; email: string; name: string; pos?: SourcePos };
  pos?: SourcePos;
}

/** Why a user zdsf owns is offboarded (docs/lifecycle.md): its Salesforce record matches `inactive_when`, is
 * deleted (in the recycle bin or gone), or exists but the sync's query no longer selects it. */
export type OffboardReason = 'inactive' | 'deleted' | 'filtered_out';
export const OFFBOARD_REASONS: readonly OffboardReason[] = ['inactive', 'deleted', 'filtered_out'];

/** users.offboard (issue 17 part 1). */
export interface OffboardRule {
  /** which reasons offboard a user (at least one) */
  when: OffboardReason[];
  /** SOQL condition on the users sources marking a person inactive (required with `when: inactive`); such people
   * are left out of the sync */
  inactive_when?: string;
  /** suspend (default), remove_tags (zdsf's tags only), or delete (suspend first, delete `after_days` later) */
  action: 'suspend' | 'remove_tags' | 'delete';
  /** action delete: days between zdsf's suspension and the delete (default 30) */
  after_days: number;
  /** keep (do not offboard) a user who requested a ticket that is not closed. Default true. */
  keep_if_open_tickets: boolean;
  /** keep a user who requested a ticket updated within this many days. Default: off. */
  keep_if_ticket_within_days?: number;
  /** refuse a plan offboarding more users than this unless --force. Default: 10% of the instance's users, at least 1. */
  max_offboard?: number;
  pos?: SourcePos;
}

export interface ProtectedRecords {
  /** organization external_ids zdsf never touches */
  external_ids: string[];
  /** organization names zdsf never touches (case-insensitive) */
  names: string[];
  /** email domains whose users zdsf never touches */
  domains: string[];
}

/** Zendesk ticket statuses, in their life-cycle order (`deleted` tickets are never synced). */
export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * Which Zendesk tickets become Cases. The incremental ticket export has no server-side filter but its start
 * time, so `created_after` also bounds the read; the other conditions are applied to each ticket read.
 */
export interface CaseWhere {
  /** default: every status */
  status: TicketStatus[];
  /** default true: only tickets with an organization (GitLab's salesforce-cases) */
  has_organization: boolean;
  /** ISO date or date-time; only tickets created at or after it */
  created_after?: string;
  /** the ticket carries every one of these tags */
  tags: string[];
  /** the ticket carries none of these tags */
  without_tags: string[];
  pos?: SourcePos;
}

/** Zendesk tickets -> Salesforce Cases (issue 18): the reverse direction, written to Salesforce. */
export interface CaseSync {
  where: CaseWhere;
  /** Case field (an external id) holding the ticket id, e.g. Zendesk_Ticket_Id__c: the key of every write */
  ticket_id_field: string;
  /** Zendesk status -> Case Status value; covers every status of `where.status` */
  status_map: Partial<Record<TicketStatus, string>>;
  /** Case field API name -> mapping over the ticket (`from` paths such as subject, priority, via.channel) */
  fields: Record<string, Mapping>;
  /** default true: AccountId from the ticket organization's external_id (the Account Id) */
  account: boolean;
  /** default: true when this sync's users section reads Contacts; ContactId from the requester's email via the users match */
  contact: boolean;
  /** case creates (or updates) of one apply of the sync from which they go through a Bulk API 2.0 ingest job (default 10000) */
  bulk_threshold: number;
  /** where `ticket_id_field`, `status_map.<status>`, `account` and `contact` are written (for plan-time errors) */
  positions: Record<string, SourcePos>;
  pos?: SourcePos;
}

/** syncs.<name>.max_changes: a number of records, or a percentage of the instance's records of a type. */
export type MaxChanges = { count: number } | { percent: number };

export interface Sync {
  name: string;
  /** name of a salesforce instance */
  from: string;
  /** name of a zendesk instance */
  to: string;
  organizations?: OrganizationSync;
  users?: UserSync;
  cases?: CaseSync;
  protected: ProtectedRecords;
  /** additive (default): memberships are only added; mirror: memberships zdsf manages whose relation is gone in
   * Salesforce are deleted (issue 17) */
  memberships?: 'additive' | 'mirror';
  /** the mass-change guard (src/apply/mass-change.ts); default { percent: 50 } */
  max_changes?: MaxChanges;
  pos?: SourcePos;
}

export interface Config {
  version: 1;
  /** path of the config file as given */
  file: string;
  /** sha256 hex of the parsed config (comments and layout left out, see configDigest): a saved plan records it, apply compares it. */
  digest: string;
  salesforce: Record<string, SalesforceInstance>;
  zendesk: Record<string, ZendeskInstance>;
  syncs: Sync[];
  /** incremental plans (issue 13): present when sync.yaml has a `state` section */
  state?: StateSettings;
}

export interface StateSettings {
  /** absolute path of the state directory (default .zdsf beside the config file) */
  dir: string;
  /** full read when the last one is older than this (default 24 h) */
  refresh_every_ms: number;
}
