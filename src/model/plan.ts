// The plan: what reconcile computes, render prints, and apply carries out (DESIGN.md section 4).
// `format_version: "1.0"`. Saved plans are this object as JSON.

export type ChangeType = 'organization' | 'user' | 'membership';
export type ChangeAction = 'create' | 'update' | 'delete' | 'make_default';

export interface AttributeDiff {
  /** dotted attribute path in Zendesk's shape: name, tags, notes, organization_fields.health, organization_id */
  path: string;
  before: unknown;
  after: unknown;
}

export interface Change {
  type: ChangeType;
  action: ChangeAction;
  /**
   * The record's stable key:
   * - organization: its external_id (the Account Id), or its name with `match: name`
   * - user: its email lowercased, or its external_id with `match: external_id`
   * - membership: `${userKey} -> ${organizationKey}`
   */
  key: string;
  /** the Zendesk id when the record exists (for membership/make_default: the membership id when it exists) */
  zendesk_id: number | null;
  /** what a person reads: organization name, user email, `ann@acme.com -> Acme West` */
  label: string;
  /**
   * create: null. update/make_default: the current values of the attributes that change (apply compares them
   * with the live record to detect a stale plan). delete: the record's identifying attributes.
   */
  before: Record<string, unknown> | null;
  /**
   * create: every attribute to write. update: only the attributes that change (tags: the whole new list).
   * delete: null. membership create / make_default: { user_id, organization_id } (null where the record is
   * created by this same plan: see refs).
   */
  after: Record<string, unknown> | null;
  diff: AttributeDiff[];
  /** why: 'primary' | 'secondary' | 'retention: <rule>' | 'sold-to contact of <org>' ... */
  reason?: string;
  /** keys of records created earlier in the same apply that this change needs ids of */
  refs?: { organization?: string; user?: string };
  /** source records behind this change (Salesforce Ids) */
  sources?: string[];
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

export interface SyncPlan {
  name: string;
  from: string;
  to: string;
  changes: Change[];
  warnings: Warning[];
  summary: Summary;
  estimate?: Estimate;
  /** only with --report-orphans */
  orphans?: Orphans;
  /** set when reading or planning this sync failed: the other syncs still plan */
  error?: string;
  /** organizations in the Zendesk instance at plan time: the base of the default max_deletes (10%) */
  zendesk_organization_count?: number;
  /** users and memberships in the Zendesk instance at plan time: apply reads the whole instance instead of
   * looking records up one by one when that is cheaper */
  zendesk_user_count?: number;
  zendesk_membership_count?: number;
}

export interface Plan {
  format_version: '1.0';
  created_at: string;
  config_digest: string;
  syncs: SyncPlan[];
  summary: Summary;
}
