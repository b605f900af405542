// The interfaces between the pure core and the adapters at the edges. Services wire real adapters
// (src/salesforce, src/zendesk) or fakes (tests) into these.
import type { Sync, SalesforceInstance, ZendeskInstance } from './config.js';
import type { SfObjectDescribe, SourceData } from './salesforce.js';
import type { CaseAttributes } from './plan.js';
import type { TargetData, ZdFieldDef, ZdMembership, ZdOrganization, ZdUser } from './zendesk.js';
import type { FieldBody, FieldOption, FieldResource } from './field-changes.js';

/** One piece of long work, reported on its own (work that runs alongside other work: plan reads both sides at once). */
export interface ProgressTask {
  tick(n?: number): void;
  done(message?: string): void;
}

/** Reports progress of long work; the CLI shows a bar on a TTY and periodic lines otherwise. */
export interface Progress {
  start(label: string, total?: number): void;
  tick(n?: number): void;
  done(message?: string): void;
  /** a task of its own, counted apart from start/tick/done and from other tasks (optional for fakes) */
  task?(label: string, total?: number): ProgressTask;
}

export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

/** A task of `progress`: its own when it has `task`, else start/tick/done (one task at a time). */
export function beginTask(progress: Progress, label: string, total?: number): ProgressTask {
  if (progress.task) return progress.task(label, total);
  progress.start(label, total);
  return { tick: (n) => progress.tick(n), done: (m) => progress.done(m) };
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface SourceReaderOptions {
  instance: SalesforceInstance;
  sync: Sync;
  progress?: Progress;
  logger?: Logger;
  /** called with the describes once they are read, before any query: throw to stop (e.g. a mapped field that does
   * not exist, named at its sync.yaml line rather than as Salesforce's "No such column") */
  beforeQueries?: (describe: SourceData['describe']) => void;
  /** read the describes only (`zdsf check`, `zdsf init`): no query is sent */
  describeOnly?: boolean;
}

/** Offboarding (issue 17): which of these Ids of one users source object exist, and which match inactive_when. */
export interface PeopleLookup {
  object: 'Contact' | 'Lead';
  ids: string[];
  inactive_when?: string;
}

export interface SourceReader {
  read(options: SourceReaderOptions): Promise<SourceData>;
  /** looks Ids up with queryAll (src/salesforce/offboard-lookup.ts): `live` exist and are not deleted, `inactive`
   * of those match inactive_when; absent: plan refuses a sync that offboards */
  lookupPeople?(options: SourceReaderOptions, lookup: PeopleLookup): Promise<{ live: string[]; inactive: string[] }>;
}

export interface TargetReaderOptions {
  instance: ZendeskInstance;
  progress?: Progress;
  logger?: Logger;
}

/** Which organizations' tickets retention asks about (issue 17): those it is about to delete; and which users'
 * requested tickets offboarding asks about: those it is about to suspend, delete or strip. */
export interface TicketActivityQuery {
  organizationIds: number[];
  /** users (requesters) to count tickets of; absent: none */
  requesterIds?: number[];
  /** count tickets not closed */
  open: boolean;
  /** count tickets updated after this date (keep_if_ticket_within_days), when set */
  since?: Date;
}

export interface TicketActivity {
  /** set for an organization's counts */
  organizationId?: number;
  /** set for a requester's counts (offboarding) */
  requesterId?: number;
  /** tickets not closed (0 when not asked) */
  open: number;
  /** tickets updated since `since` (0 when not asked, or when `open` already keeps the organization) */
  recent: number;
}

export interface TargetReader {
  read(options: TargetReaderOptions): Promise<TargetData>;
  /** the tickets of organizations retention would delete (src/zendesk/ticket-counts.ts); absent: retention cannot
   * check tickets, and plan refuses a sync whose retention asks it to */
  ticketActivity?(options: TargetReaderOptions & { query: TicketActivityQuery }): Promise<TicketActivity[]>;
  /** the user zdsf authenticates as (GET /api/v2/users/me): field management needs an admin (issue 17); absent:
   * plan refuses a sync that would create fields */
  currentUser?(options: TargetReaderOptions): Promise<CurrentUser>;
}

/** The authenticated Zendesk user, as far as permissions go. */
export interface CurrentUser {
  id: number | null;
  email: string | null;
  role: string;
  /** an agent's custom role (Enterprise), whose permissions may allow managing fields */
  custom_role_id: number | null;
  /** what the custom role says about managing organization and user fields, when it could be read */
  manage_organization_fields?: boolean;
  manage_user_fields?: boolean;
}

/** Outcome of one record of a bulk write (job status result, or a single request). */
export interface WriteResult {
  /** index of the item in the array passed in */
  index: number;
  ok: boolean;
  /** id of the created / updated record */
  id?: number;
  /** Zendesk's status / action: Created, Updated, Deleted, Failed ... */
  status?: string;
  /** Zendesk's reason for a failure (error code and details), never credentials */
  error?: string;
  /** how the outcome was known, for the audit log (e.g. the Salesforce Id of a Case written) */
  note?: string;
}

export type OrganizationWrite = Partial<Omit<ZdOrganization, 'id'>> & { id?: number };
export type UserWrite = Partial<Omit<ZdUser, 'id'>> & {
  id?: number;
  skip_verify_email?: boolean;
};

/**
 * Writes to one Zendesk instance. Every method batches 100 records a request, follows job statuses
 * to the end, paces itself under the rate limit, retries 429/503 (Retry-After) and 5xx with backoff,
 * and reports per-record outcomes instead of throwing for per-record failures. It throws only when
 * the instance cannot be used at all (unreachable, 401/403 on everything).
 */
export interface TargetWriter {
  createOrganizations(items: OrganizationWrite[]): Promise<WriteResult[]>;
  updateOrganizations(items: (OrganizationWrite & { id: number })[]): Promise<WriteResult[]>;
  deleteOrganizations(ids: number[]): Promise<WriteResult[]>;
  /** users/create_or_update_many keyed by email (or external_id); falls back to single create_or_update on 403. */
  upsertUsers(items: UserWrite[]): Promise<WriteResult[]>;
  updateUsers(items: (UserWrite & { id: number })[]): Promise<WriteResult[]>;
  /** `default: true` makes the membership the user's default (folded into the bulk create) */
  createMemberships(items: { user_id: number; organization_id: number; default?: boolean }[]): Promise<WriteResult[]>;
  makeDefaultMembership(userId: number, membershipId: number): Promise<WriteResult>;
  /** offboarding (issue 17): users/destroy_many; optional for fakes (apply refuses the deletes without it) */
  deleteUsers?(ids: number[]): Promise<WriteResult[]>;
  /** memberships: mirror (issue 17): organization_memberships/destroy_many */
  deleteMemberships?(ids: number[]): Promise<WriteResult[]>;
  /** look records up by key (for stale-plan checks and for creates whose outcome is unknown) */
  findOrganizations(query: { ids?: number[]; external_ids?: string[]; names?: string[] }): Promise<ZdOrganization[]>;
  findUsers(query: { ids?: number[]; emails?: string[]; external_ids?: string[] }): Promise<ZdUser[]>;
  findMemberships(query: { user_ids: number[] }): Promise<ZdMembership[]>;
  /** organizations in the instance now (GET /api/v2/organizations/count): the base of the default max_deletes */
  countOrganizations?(): Promise<number>;
  /** users in the instance now (GET /api/v2/users/count): the base of a percentage max_changes */
  countUsers?(): Promise<number>;
  /** custom field definitions (issue 17, src/zendesk/field-writer.ts): one request a field */
  createField?(resource: FieldResource, body: FieldBody): Promise<WriteResult>;
  /** PUT the field's whole option list (Zendesk removes any option left out) */
  updateFieldOptions?(resource: FieldResource, id: number, options: FieldOption[]): Promise<WriteResult>;
  findFields?(resource: FieldResource): Promise<ZdFieldDef[]>;
  /** requests sent so far (for the summary and tests) */
  readonly requestCount: number;
  /** bulk jobs worth following at once, sized from the instance's request budget (issue 12); default 4 */
  jobsInFlight?(): number;
}

/** Outcome of one record of a Salesforce upsert (sObject Collections answer, one per record in order). */
export interface SalesforceUpsertResult {
  /** the record's key (the external id value) */
  key: string;
  ok: boolean;
  /** the Salesforce Id written */
  id?: string;
  /** the upsert created the record */
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
  attempts: number;
}

/**
 * Writes Cases to one Salesforce instance (issue 18), keyed by an External ID field: upserts 200 records a request
 * (sObject Collections), retrying whole requests on 5xx and network failures and the records Salesforce asks to
 * re-send (UNABLE_TO_LOCK_ROW ...); per-record failures are results, never throws. It throws only when the
 * instance cannot be used (unreachable after its retries, a refused session). Plus the reads the Case plan and
 * apply's stale check need.
 */
export interface SalesforceWriter {
  describeCase(): Promise<SfObjectDescribe>;
  /** Cases whose `keyField` holds one of `keys`: Id, the key field, SystemModstamp and `fields` */
  readCasesByKeys(keyField: string, keys: readonly string[], fields: readonly string[]): Promise<({ Id: string } & Record<string, unknown>)[]>;
  /** which of `ids` are Accounts */
  existingAccountIds(ids: readonly string[]): Promise<Set<string>>;
  /** sObject Collections, 200 records a request; with `bulk`, one Bulk API 2.0 ingest job (issue 18) */
  upsert(keyField: string, records: readonly CaseAttributes[], options?: { bulk?: boolean }): Promise<SalesforceUpsertResult[]>;
  /** requests sent so far */
  readonly requestCount: number;
}
