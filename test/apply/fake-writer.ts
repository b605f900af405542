// An in-memory TargetWriter with Zendesk's uniqueness rules and injectable failures, for apply's tests.
import type { OrganizationWrite, TargetWriter, UserWrite, WriteResult } from '../../src/model/ports.js';
import type { ZdMembership, ZdOrganization, ZdUser } from '../../src/model/zendesk.js';

export type Method =
  | 'createOrganizations'
  | 'updateOrganizations'
  | 'deleteOrganizations'
  | 'upsertUsers'
  | 'updateUsers'
  | 'createMemberships'
  | 'makeDefaultMembership'
  | 'findOrganizations'
  | 'findUsers'
  | 'findMemberships';

export const WRITE_METHODS: Method[] = [
  'createOrganizations',
  'updateOrganizations',
  'deleteOrganizations',
  'upsertUsers',
  'updateUsers',
  'createMemberships',
  'makeDefaultMembership',
];

export class OutcomeUnknownError extends Error {
  constructor(message = 'socket hang up after the request was sent') {
    super(message);
    this.name = 'OutcomeUnknownError';
  }
}

export interface Call {
  method: Method;
  items: unknown[];
}

export class FakeWriter implements TargetWriter {
  orgs = new Map<number, ZdOrganization>();
  users = new Map<number, ZdUser & { skip_verify_email?: boolean }>();
  memberships = new Map<number, ZdMembership>();
  calls: Call[] = [];
  requestCount = 0;
  private nextId = 1000;
  /** records written so far (across calls) */
  written = 0;
  /** throw (like a killed process) before writing record number crashAfter + 1 */
  crashAfter?: number;
  /** a per-record failure reason, or undefined */
  failRecord?: (method: Method, item: Record<string, unknown>) => string | undefined;
  /** methods whose next call writes everything and then throws OutcomeUnknownError (the answer was lost) */
  loseAnswerOnce = new Set<Method>();
  /** methods whose next call throws OutcomeUnknownError without writing (the request was lost) */
  loseRequestOnce = new Set<Method>();
  /** throw this on every call (an unreachable instance) */
  down?: Error;

  constructor(seed: { organizations?: Partial<ZdOrganization>[]; users?: Partial<ZdUser>[]; memberships?: Partial<ZdMembership>[] } = {}) {
    for (const o of seed.organizations ?? []) this.addOrg(o);
    for (const u of seed.users ?? []) this.addUser(u);
    for (const m of seed.memberships ?? []) {
      const id = m.id ?? this.nextId++;
      this.memberships.set(id, { id, user_id: m.user_id!, organization_id: m.organization_id!, default: m.default ?? null });
    }
  }

  addOrg(o: Partial<ZdOrganization>): ZdOrganization {
    const id = o.id ?? this.nextId++;
    const org: ZdOrganization = {
      name: '',
      external_id: null,
      tags: [],
      domain_names: [],
      notes: null,
      details: null,
      organization_fields: {},
      ...o,
      id,
    };
    this.orgs.set(id, org);
    return org;
  }

  addUser(u: Partial<ZdUser>): ZdUser {
    const id = u.id ?? this.nextId++;
    const user: ZdUser = { name: '', email: null, role: 'end-user', external_id: null, organization_id: null, tags: [], user_fields: {}, ...u, id };
    this.users.set(id, user);
    return user;
  }

  writesSent(): Call[] {
    return this.calls.filter((c) => WRITE_METHODS.includes(c.method));
  }

  callsOf(method: Method): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private enter(method: Method, items: unknown[]): 'lose-answer' | undefined {
    if (this.down) throw this.down;
    this.calls.push({ method, items: structuredClone(items) });
    this.requestCount += 1;
    if (this.loseRequestOnce.delete(method)) throw new OutcomeUnknownError('timeout: no answer');
    return this.loseAnswerOnce.delete(method) ? 'lose-answer' : undefined;
  }

  private writeOne(): void {
    if (this.crashAfter !== undefined && this.written >= this.crashAfter) throw new Error('killed');
    this.written += 1;
  }

  private run<T>(method: Method, items: T[], one: (item: T) => WriteResult | Omit<WriteResult, 'index'>): WriteResult[] {
    const lose = this.enter(method, items);
    const results = items.map((item, index) => {
      const reason = this.failRecord?.(method, item as Record<string, unknown>);
      if (reason) return { index, ok: false, status: 'Failed', error: reason };
      const r = one(item);
      if (r.ok) this.writeOne();
      return { ...r, index };
    });
    if (lose) throw new OutcomeUnknownError();
    return results;
  }

  private orgByName(name: unknown): ZdOrganization | undefined {
    const n = String(name ?? '').toLowerCase();
    return [...this.orgs.values()].find((o) => o.name.toLowerCase() === n);
  }

  async createOrganizations(items: OrganizationWrite[]): Promise<WriteResult[]> {
    return this.run('createOrganizations', items, (item) => {
      if (this.orgByName(item.name)) return { ok: false, status: 'Failed', error: 'DuplicateValue: Name: has already been taken' };
      if (item.external_id && [...this.orgs.values()].some((o) => o.external_id === item.external_id))
        return { ok: false, status: 'Failed', error: 'DuplicateValue: External has already been taken' };
      const org = this.addOrg(structuredClone(item) as Partial<ZdOrganization>);
      return { ok: true, id: org.id, status: 'Created' };
    });
  }

  async updateOrganizations(items: (OrganizationWrite & { id: number })[]): Promise<WriteResult[]> {
    return this.run('updateOrganizations', items, (item) => {
      const org = this.orgs.get(item.id);
      if (!org) return { ok: false, status: 'Failed', error: 'RecordNotFound' };
      const { organization_fields: fields, ...rest } = structuredClone(item);
      Object.assign(org, rest);
      if (fields) org.organization_fields = { ...org.organization_fields, ...fields };
      return { ok: true, id: org.id, status: 'Updated' };
    });
  }

  async deleteOrganizations(ids: number[]): Promise<WriteResult[]> {
    return this.run('deleteOrganizations', ids, (id) => {
      if (!this.orgs.delete(id)) return { ok: false, status: 'Failed', error: 'RecordNotFound' };
      for (const [mid, m] of this.memberships) if (m.organization_id === id) this.memberships.delete(mid);
      return { ok: true, id, status: 'Deleted' };
    });
  }

  private setOrganization(user: ZdUser, orgId: number): void {
    user.organization_id = orgId;
    const mine = [...this.memberships.values()].filter((m) => m.user_id === user.id);
    if (!mine.some((m) => m.organization_id === orgId)) {
      const id = this.nextId++;
      this.memberships.set(id, { id, user_id: user.id, organization_id: orgId, default: true });
    }
    for (const m of this.memberships.values()) if (m.user_id === user.id) m.default = m.organization_id === orgId;
  }

  async upsertUsers(items: UserWrite[]): Promise<WriteResult[]> {
    return this.run('upsertUsers', items, (item) => {
      const email = typeof item.email === 'string' ? item.email.toLowerCase() : null;
      const existing = [...this.users.values()].find(
        (u) => (email && u.email?.toLowerCase() === email) || (item.external_id && u.external_id === item.external_id),
      );
      const { organization_id: orgId, user_fields: fields, ...rest } = structuredClone(item);
      if (existing) {
        Object.assign(existing, rest);
        if (fields) existing.user_fields = { ...existing.user_fields, ...fields };
        if (typeof orgId === 'number') this.setOrganization(existing, orgId);
        return { ok: true, id: existing.id, status: 'Updated' };
      }
      const user = this.addUser({ ...(rest as Partial<ZdUser>), user_fields: (fields ?? {}) as Record<string, unknown>, role: 'end-user' });
      if (typeof orgId === 'number') this.setOrganization(user, orgId);
      return { ok: true, id: user.id, status: 'Created' };
    });
  }

  async updateUsers(items: (UserWrite & { id: number })[]): Promise<WriteResult[]> {
    return this.run('updateUsers', items, (item) => {
      const user = this.users.get(item.id);
      if (!user) return { ok: false, status: 'Failed', error: 'RecordNotFound' };
      const { organization_id: orgId, user_fields: fields, ...rest } = structuredClone(item);
      Object.assign(user, rest);
      if (fields) user.user_fields = { ...user.user_fields, ...fields };
      if (typeof orgId === 'number') {
        for (const [mid, m] of this.memberships) if (m.user_id === user.id) this.memberships.delete(mid); // replaces all memberships
        this.setOrganization(user, orgId);
      }
      return { ok: true, id: user.id, status: 'Updated' };
    });
  }

  async createMemberships(items: { user_id: number; organization_id: number; default?: boolean }[]): Promise<WriteResult[]> {
    return this.run('createMemberships', items, (item) => {
      if (!this.users.has(item.user_id) || !this.orgs.has(item.organization_id)) return { ok: false, status: 'Failed', error: 'RecordNotFound' };
      const mine = [...this.memberships.values()].filter((m) => m.user_id === item.user_id);
      if (mine.some((m) => m.organization_id === item.organization_id)) return { ok: false, status: 'Failed', error: 'User is already a member of this organization' };
      const id = this.nextId++;
      // Zendesk: a user's first membership is its default; `default: true` makes this one the default
      const isDefault = mine.length === 0 || item.default === true;
      if (isDefault) for (const m of mine) m.default = null;
      this.memberships.set(id, { id, user_id: item.user_id, organization_id: item.organization_id, default: isDefault ? true : null });
      if (isDefault) this.users.get(item.user_id)!.organization_id = item.organization_id;
      return { ok: true, id, status: 'Created' };
    });
  }

  async makeDefaultMembership(userId: number, membershipId: number): Promise<WriteResult> {
    const [r] = this.run('makeDefaultMembership', [{ userId, membershipId }], ({ userId: u, membershipId: m }) => {
      const membership = this.memberships.get(m);
      const user = this.users.get(u);
      if (!membership || !user || membership.user_id !== u) return { ok: false, status: 'Failed', error: 'RecordNotFound' };
      this.setOrganization(user, membership.organization_id);
      return { ok: true, id: m, status: 'Updated' };
    });
    return r;
  }

  /** users now (the base of a percentage max_changes); organizations are not counted unless a test says so */
  async countUsers(): Promise<number> {
    this.requestCount += 1;
    return this.users.size;
  }

  async findOrganizations(query: { ids?: number[]; external_ids?: string[]; names?: string[] }): Promise<ZdOrganization[]> {
    this.enter('findOrganizations', [query]);
    const names = new Set((query.names ?? []).map((n) => n.toLowerCase()));
    return structuredClone(
      [...this.orgs.values()].filter(
        (o) => query.ids?.includes(o.id) || (o.external_id !== null && query.external_ids?.includes(o.external_id)) || names.has(o.name.toLowerCase()),
      ),
    );
  }

  async findUsers(query: { ids?: number[]; emails?: string[]; external_ids?: string[] }): Promise<ZdUser[]> {
    this.enter('findUsers', [query]);
    const emails = new Set((query.emails ?? []).map((e) => e.toLowerCase()));
    return structuredClone(
      [...this.users.values()].filter(
        (u) => query.ids?.includes(u.id) || (u.email !== null && emails.has(u.email.toLowerCase())) || (u.external_id !== null && query.external_ids?.includes(u.external_id)),
      ),
    );
  }

  async findMemberships(query: { user_ids: number[] }): Promise<ZdMembership[]> {
    this.enter('findMemberships', [query]);
    return structuredClone([...this.memberships.values()].filter((m) => query.user_ids.includes(m.user_id)));
  }
}
