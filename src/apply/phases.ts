// The apply side of each kind of change, registered in one place (issue 11): the payload apply sends (read
// from the change, never derived from the config), the endpoint, how a batch is sent and what an outcome
// means. A new kind of change is one entry here, which the compiler requires (PhaseSpecs is keyed by every
// ChangeKind). Retries are the transport's and recovery of unknown outcomes the writer's: none here.
import type { Sync } from '../model/config.js';
import type { Change, ChangeKind } from '../model/plan.js';
import type { SalesforceWriter, TargetWriter, WriteResult } from '../model/ports.js';
import { BULK_SIZE } from './estimate.js';
import { OFFBOARD_PHASES } from './offboard-apply.js';
import { FIELD_CREATE, FIELD_OPTION_CREATE } from './field-phases.js';
import { upsertCases, CASE_BATCH_SIZE, caseEndpoint, caseGroupSize } from './case-phase.js';

/** The change shape of one kind: ChangeOf<"user:create"> is UserCreate. */
export type ChangeOf<K extends ChangeKind> = Extract<Change, { type: K extends `${infer T}:${string}` ? T : never; action: K extends `${string}:${infer A}` ? A : never }>;

/** What a phase needs from the executor: ids of records by key (created earlier in this apply or live). */
export interface PhaseContext {
  /** the id of an organization / user by key, or why there is none */
  resolve(type: 'organization' | 'user', ref: { id: number | null; key: string }): number | string;
}

export interface Item<C extends Change = Change> {
  change: C;
  payload: Record<string, unknown>;
}

export interface PhaseSpec<C extends Change> {
  /** the system the phase writes: Zendesk unless it says Salesforce (SalesforcePhaseSpec) */
  target?: 'zendesk';
  endpoint: string;
  batchSize: number;
  /** the exact payload, or why it cannot be sent (a reference that did not resolve) */
  payload(change: C, ctx: PhaseContext): Record<string, unknown> | string;
  send(writer: TargetWriter, payloads: Record<string, unknown>[], changes: C[]): Promise<WriteResult[]>;
  /** the request line of one item in messages (single-record endpoints) */
  request?(payload: Record<string, unknown>): string;
}

/** A phase that writes Salesforce (issue 18: Cases) through the SalesforceWriter port. */
export interface SalesforcePhaseSpec<C extends Change> extends Omit<PhaseSpec<C>, 'target' | 'send'> {
  target: 'salesforce';
  /** the records a batch carries, when it depends on how many the phase has (Cases: a Bulk API 2.0 job from
   * `cases.bulk_threshold` on); default batchSize */
  groupSize?(count: number, config: Sync): number;
  /** the endpoint of a batch of this many records, when it is not `endpoint` (a Bulk API 2.0 job) */
  endpointFor?(records: number): string;
  send(writer: SalesforceWriter, payloads: Record<string, unknown>[], changes: C[]): Promise<WriteResult[]>;
}

export type AnyPhaseSpec<C extends Change> = PhaseSpec<C> | SalesforcePhaseSpec<C>;

type PhaseSpecs = { [K in ChangeKind]: AnyPhaseSpec<ChangeOf<K>> };

/** `{ ...after, organization_id }` with the organization reference resolved, when the change has one. */
function withOrganization(c: { after: object; organization?: { id: number | null; key: string } }, ctx: PhaseContext, extra: Record<string, unknown> = {}): Record<string, unknown> | string {
  const payload: Record<string, unknown> = { ...(c.after as Record<string, unknown>), ...extra };
  if (c.organization) {
    const id = ctx.resolve('organization', c.organization);
    if (typeof id === 'string') return id;
    payload.organization_id = id;
  }
  return payload;
}

export const PHASE_SPECS: PhaseSpecs = {
  'field:create': FIELD_CREATE,
  'field_option:create': FIELD_OPTION_CREATE,
  'organization:create': {
    endpoint: 'POST /api/v2/organizations/create_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ ...c.after }),
    send: (w, payloads) => w.createOrganizations(payloads),
  },
  'organization:update': {
    endpoint: 'PUT /api/v2/organizations/update_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ ...c.after, id: c.zendesk_id }),
    send: (w, payloads) => w.updateOrganizations(payloads as (Record<string, unknown> & { id: number })[]),
  },
  'user:create': {
    endpoint: 'POST /api/v2/users/create_or_update_many',
    batchSize: BULK_SIZE,
    payload: (c, ctx) => withOrganization(c, ctx),
    send: (w, payloads) => w.upsertUsers(payloads),
  },
  'user:update': {
    endpoint: 'PUT /api/v2/users/update_many',
    batchSize: BULK_SIZE,
    payload: (c, ctx) => withOrganization(c, ctx, { id: c.zendesk_id }),
    send: (w, payloads) => w.updateUsers(payloads as (Record<string, unknown> & { id: number })[]),
  },
  'membership:create': {
    endpoint: 'POST /api/v2/organization_memberships/create_many',
    batchSize: BULK_SIZE,
    payload: (c, ctx) => {
      const user = ctx.resolve('user', c.user);
      if (typeof user === 'string') return user;
      const org = ctx.resolve('organization', c.organization);
      if (typeof org === 'string') return org;
      return c.default ? { user_id: user, organization_id: org, default: true } : { user_id: user, organization_id: org };
    },
    send: (w, payloads) => w.createMemberships(payloads as { user_id: number; organization_id: number; default?: boolean }[]),
  },
  'membership:make_default': {
    endpoint: 'PUT /api/v2/users/{user_id}/organization_memberships/{id}/make_default',
    batchSize: 1,
    payload: (c) => ({ user_id: c.user.id, membership_id: c.zendesk_id }),
    send: async (w, [p]) => {
      const r = await w.makeDefaultMembership(p.user_id as number, p.membership_id as number);
      return [{ ...r, index: 0, id: r.id ?? (p.membership_id as number) }];
    },
    request: (p) => `PUT /api/v2/users/${String(p.user_id)}/organization_memberships/${String(p.membership_id)}/make_default`,
  },
  'organization:delete': {
    endpoint: 'DELETE /api/v2/organizations/destroy_many',
    batchSize: BULK_SIZE,
    payload: (c) => ({ id: c.zendesk_id }),
    send: (w, payloads) => w.deleteOrganizations(payloads.map((p) => p.id as number)),
  },
  ...OFFBOARD_PHASES,
  'case:create': {
    target: 'salesforce',
    endpoint: 'PATCH /services/data/vXX.X/composite/sobjects/Case/{key_field}',
    batchSize: CASE_BATCH_SIZE,
    groupSize: caseGroupSize,
    endpointFor: caseEndpoint,
    payload: (c) => ({ ...c.after }),
    send: (w, payloads, changes) => upsertCases(w, payloads, changes),
  },
  'case:update': {
    target: 'salesforce',
    endpoint: 'PATCH /services/data/vXX.X/composite/sobjects/Case/{key_field}',
    batchSize: CASE_BATCH_SIZE,
    groupSize: caseGroupSize,
    endpointFor: caseEndpoint,
    payload: (c) => ({ ...c.after }),
    send: (w, payloads, changes) => upsertCases(w, payloads, changes),
  },
};

export function phaseSpec(kind: ChangeKind): AnyPhaseSpec<Change> {
  return PHASE_SPECS[kind] as unknown as AnyPhaseSpec<Change>;
}
