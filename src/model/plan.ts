// The plan: what reconcile computes, render prints, and apply carries out exactly (DESIGN.md section 4,
// issue 11). Saved plans are this object as JSON, `format_version: "2.0"`, sealed (src/model/seal.ts).
//
// A change is one of seven typed shapes (resource x action). Every change keeps `type`, `action`, `key` and
// `zendesk_id` (tools read them). What apply sends is in the change itself:
// - organization create / update: `after` is the body of the record in organizations/create_many /
//   update_many (plus `id: zendesk_id` for an update);
// - user create / update: `after` is the body of the record in users/create_or_update_many / update_many
//   (plus `id` for an update), plus `organization_id` taken from `organization` when it is set;
// - organization delete: `zendesk_id` in organizations/destroy_many;
// - membership create: `{ user_id, organization_id }` from `user` / `organization` (plus `default: true`
//   when `default` is true) in organization_memberships/create_many;
// - membership make_default: PUT users/{user.id}/organization_memberships/{zendesk_id}/make_default;
// - user suspend (offboarding, issue 17): `after` (`{ suspended: true, tags }`, the tags with zdsf's
//   suspension marker) plus `id: zendesk_id` in users/update_many;
// - user delete (offboarding): `zendesk_id` in users/destroy_many;
// - membership delete (`memberships: mirror`): `zendesk_id` (the membership's id) in
//   organization_memberships/destroy_many;
// - field create (issue 17): `after` is the body of POST organization_fields / user_fields (`resource` says which);
// - field_option create: `after.custom_field_options` is the whole option list of PUT {resource}s/{zendesk_id}
//   (the options of `before`, as the plan saw them, then the new ones): Zendesk drops any option not sent;
// - case create / update (issue 18, written to Salesforce): `after` is the exact record of the sObject
//   Collections upsert PATCH composite/sobjects/Case/<key_field>, the key (the ticket id) included.
// Field changes come first in a plan and apply writes them first (src/model/field-changes.ts); Cases come last.
// A reference whose `id` is null names a record created earlier in the same plan by its `key`.

export const PLAN_FORMAT_VERSION = '2.0' as const;

export type ChangeType = 'organization' | 'user' | 'membership' | 'field' | 'field_option' | 'case';
export type ChangeAction = 'create' | 'update' | 'delete' | 'make_default' | 'suspend';

export interface AttributeDiff {
  /** dotted attribute path in Zendesk's shape: name, tags, notes, organization_fields.health, organization_id */
  path: string;
  before: unknown;
  after: unknown;
}

/** An organization a change concerns: its Zendesk id, or null when this plan creates it (then `key` is the
 * key of that organization create). `name` is for the reader. */
export interface OrganizationRef {
  id: number | null;
  key: string;
  name: string;
}

/** A user a change concerns: its Zendesk id, or null when this plan creates it (`key`: that user create's key). */
export interface UserRef {
  id: number | null;
  key: string;
  email: string;
}

/** The organization attributes zdsf writes (only those the config maps are ever present). */
export interface OrganizationAttributes {
  name?: string;
  external_id?: string | null;
  domain_names?: string[];
  notes?: string | null;
  details?: string | null;
  organization_fields?: Record<string, unknown>;
  tags?: string[];
}

/** The user attributes zdsf writes. `role`, `verified` and `skip_verify_email` only on a create (end-user,
 * and verified without a welcome mail unless the sync says verify_email: true). `organization_id` is never
 * here: it comes from the change's `organization` reference (in `before`, the current value, for the stale check). */
export interface UserAttributes {
  name?: string;
  email?: string;
  external_id?: string | null;
  phone?: string | null;
  notes?: string | null;
  details?: string | null;
  user_fields?: Record<string, unknown>;
  tags?: string[];
  role?: 'end-user';
  verified?: boolean;
  skip_verify_email?: boolean;
  organization_id?: number | null;
}

export interface ChangeBase {
  /**
   * The record's stable key:
   * - organization: its external_id (the Account Id), or its normalised name with `match: name`
   * - user: its email lowercased, or its external_id with `match: external_id`
   * - membership: `${user.key} -> ${organization.key}`
   */
  key: string;
  /** what a person reads: organization name, user email; memberships: `${user.email} -> ${organization.name}` */
  label: string;
  /** what a reviewer reads (render prints it); apply never reads it */
  diff: AttributeDiff[];
  /** why: 'primary' | 'secondary' | 'retention: <rule>' | 'sold-to contact of <org>' | 'adopted by name' */
  reason?: string;
  /** source records behind this change (Salesforce Ids) */
  sources?: string[];
}

export interface OrganizationCreate extends ChangeBase {
  type: 'organization';
  action: 'create';
  zendesk_id: null;
  before: null;
  after: OrganizationAttributes;
}

export interface OrganizationUpdate extends ChangeBase {
  type: 'organization';
  action: 'update';
  zendesk_id: number;
  /** the current values of the attributes that change (apply compares them with the live record) */
  before: OrganizationAttributes;
  /** only the attributes that change (tags: the whole new list; custom fields: only the keys that change) */
  after: OrganizationAttributes;
}

export interface OrganizationDelete extends ChangeBase {
  type: 'organization';
  action: 'delete';
  zendesk_id: number;
  /** the record as the plan saw it (apply refuses the delete when the live one differs) */
  before: { id: number; name: string; external_id: string | null };
  after: null;
}

export interface UserCreate extends ChangeBase {
  type: 'user';
  action: 'create';
  zendesk_id: null;
  before: null;
  after: UserAttributes;
  /** the user's organization (organization_id of the create), when it gets one */
  organization?: OrganizationRef;
}

export interface UserUpdate extends ChangeBase {
  type: 'user';
  action: 'update';
  zendesk_id: number;
  before: UserAttributes;
  after: UserAttributes;
  /** set the user's organization_id (multiple organizations off only) */
  organization?: OrganizationRef;
}

export interface MembershipCreate extends ChangeBase {
  type: 'membership';
  action: 'create';
  zendesk_id: null;
  before: null;
  after: null;
  user: UserRef;
  organization: OrganizationRef;
  /** sent as `default: true`: the user's default organization (folded into the bulk create, no make_default) */
  default: boolean;
}

export interface MembershipMakeDefault extends ChangeBase {
  type: 'membership';
  action: 'make_default';
  /** the membership's id (it exists: a membership this plan creates carries `default: true` instead) */
  zendesk_id: number;
  /** the user's default organization as the plan saw it: none */
  before: { default_organization_id: null };
  after: null;
  user: UserRef & { id: number };
  organization: OrganizationRef & { id: number };
}

/** Offboarding (issue 17): suspend a user zdsf owns whose Salesforce record is inactive, deleted or filtered out.
 * `after.tags` is `before.tags` plus zdsf's suspension marker (`zdsf_suspended_YYYYMMDD`, src/reconcile/offboarding.ts). */
export interface UserSuspend extends ChangeBase {
  type: 'user';
  action: 'suspend';
  zendesk_id: number;
  /** the user as the plan saw it (apply compares it with the live record) */
  before: { suspended: boolean; tags: string[] };
  after: { suspended: true; tags: string[] };
}

/** Offboarding, second stage: delete a user zdsf suspended at least `after_days` ago (needs --allow-delete). */
export interface UserDelete extends ChangeBase {
  type: 'user';
  action: 'delete';
  zendesk_id: number;
  /** the user as the plan saw it: suspended, with zdsf's marker in its tags */
  before: { id: number; email: string | null; external_id: string | null; suspended: true; tags: string[] };
  after: null;
}

/** `memberships: mirror` (issue 17): a membership zdsf manages whose relation is gone in Salesforce. */
export interface MembershipDelete extends ChangeBase {
  type: 'membership';
  action: 'delete';
  /** the membership's id */
  zendesk_id: number;
  before: { user_id: number; organization_id: number };
  after: null;
  user: UserRef & { id: number };
  organization: OrganizationRef & { id: number };
}

/** A Case field value as Salesforce takes it. */
export type CaseValue = string | number | boolean | null;

/** Case fields by API name: the upsert record (after) or the values the plan saw (before). */
export type CaseAttributes = Record<string, CaseValue>;

/** What a case change concerns (for the reader and the guard; apply sends only `after`). */
interface CaseChangeBase extends ChangeBase {
  type: 'case';
  /** the ticket's Zendesk id (`key` is the same id as a string) */
  zendesk_id: number;
  /** the Case External ID field holding the ticket id: the upsert key */
  key_field: string;
  ticket: { id: number; subject: string | null; status: string };
  /** the Account the Case is linked to (AccountId), from the ticket organization's external_id */
  account: { id: string; name: string } | null;
  /** the Contact (ContactId), from the requester's email through the users sync's match */
  contact: { id: string; email: string } | null;
}

export interface CaseCreate extends CaseChangeBase {
  action: 'create';
  salesforce_id: null;
  before: null;
  /** every field the Case is created with, the key field included */
  after: CaseAttributes;
}

export interface CaseUpdate extends CaseChangeBase {
  action: 'update';
  /** the Case's Salesforce Id */
  salesforce_id: string;
  /** the current values of the fields that change (apply compares them with the live Case) */
  before: CaseAttributes;
  /** the key field and the fields that change */
  after: CaseAttributes;
}

export type CaseChange = CaseCreate | CaseUpdate;

export type { FieldCreate, FieldOptionCreate, FieldResource, FieldBody, FieldOption } from './field-changes.js';
import type { FieldCreate, FieldOptionCreate } from './field-changes.js';

export type Change =
  | OrganizationCreate
  | OrganizationUpdate
  | OrganizationDelete
  | UserCreate
  | UserUpdate
  | UserSuspend
  | UserDelete
  | MembershipCreate
  | MembershipMakeDefault
  | MembershipDelete
  | FieldCreate
  | FieldOptionCreate
  | CaseCreate
  | CaseUpdate;
export type OrganizationChange = OrganizationCreate | OrganizationUpdate | OrganizationDelete;
export type UserChange = UserCreate | UserUpdate;
export type OffboardChange = UserSuspend | UserDelete;
export type MembershipChange = MembershipCreate | MembershipMakeDefault;
export type FieldChange = FieldCreate | FieldOptionCreate;

/** Every (type, action) a plan may hold, and nothing else: the plan reader refuses any other. */
export const CHANGE_KINDS = [
  'organization:create',
  'organization:update',
  'organization:delete',
  'user:create',
  'user:update',
  'membership:create',
  'membership:make_default',
  'user:suspend',
  'user:delete',
  'membership:delete',
  'field:create',
  'field_option:create',
  'case:create',
  'case:update',
] as const satisfies readonly `${Change['type']}:${Change['action']}`[];
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export function changeKind(c: { type: string; action: string }): string {
  return `${c.type}:${c.action}`;
}

export function isChangeKind(kind: string): kind is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(kind);
}

/** A membership's display label, built from its references. */
export function membershipLabel(user: { email: string }, organization: { name: string }): string {
  return `${user.email} -> ${organization.name}`;
}

export interface Warning {
  /** stable, machine-readable: duplicate_account_name, duplicate_org_name, shared_email, missing_email,
   * agent_skipped, protected_skipped, secondary_without_multi_org, orphan_organization ... */
  code: string;
  message: string;
  /** the records concerned: Salesforce Ids, Zendesk ids (as strings), emails */
  records: string[];
}

export interface Summary {
  create: number;
  update: number;
  delete: number;
}

export interface Estimate {
  /** write requests apply needs (bulk requests + job status polls approximated) */
  requests: number;
  /** at the instance's rate limit */
  rate_limit_per_minute: number;
  seconds: number;
}

export interface Orphans {
  organizations: { id: number; name: string; external_id: string | null }[];
  users: { id: number; email: string | null; name: string }[];
}

/** How a sync matches records: part of the plan, so that apply never derives it again. */
export interface MatchModes {
  organizations: 'external_id' | 'name';
  users: 'email' | 'external_id';
}

/** The cases side of a sync's plan (issue 18): where it writes and where the next ticket read starts. */
export interface CasesPlan {
  /** the Salesforce instance the Cases are written to (apply refuses another) */
  salesforce: { name: string; url: string };
  key_field: string;
  tickets_read: number;
  /** the ticket export's cursor after this plan's read: stored in the state directory once apply succeeds */
  mark: { cursor: string | null; end_of_stream: boolean };
  /** which cases config (and Zendesk instance) the mark belongs to */
  digest: string;
  /** Salesforce requests apply needs: upserts (200 Cases a request) and the look-ups of the stale check (300 a query) */
  requests: number;
}

export interface SyncPlan {
  name: string;
  from: string;
  to: string;
  /** the Zendesk instance the plan was made against: apply refuses to write it anywhere else */
  target: { name: string; url: string };
  match: MatchModes;
  /** zendesk.<instance>.multiple_organizations at plan time */
  multiple_organizations: boolean;
  /** users.verify_email at plan time (user creates carry verified / skip_verify_email accordingly) */
  verify_email: boolean;
  changes: Change[];
  warnings: Warning[];
  summary: Summary;
  estimate?: Estimate;
  /** only with --report-orphans */
  orphans?: Orphans;
  /** set when reading or planning this sync failed: the other syncs still plan */
  error?: string;
  /** organizations in the Zendesk instance at plan time: for the reader only (apply counts them live for the
   * default max_deletes) */
  zendesk_organization_count?: number;
  /** users and memberships in the Zendesk instance at plan time: apply reads the whole instance instead of
   * looking records up one by one when that is cheaper */
  zendesk_user_count?: number;
  zendesk_membership_count?: number;
  /** only when the sync has a cases section */
  cases?: CasesPlan;
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  created_at: string;
  config_digest: string;
  /** `sha256:<hex>` over the plan's canonical form (src/model/seal.ts). Not a signature: anyone can recompute it. */
  seal?: string;
  syncs: SyncPlan[];
  summary: Summary;
}
