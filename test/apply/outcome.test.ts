import { describe, expect, it } from 'vitest';
import { errorMessage, isOutcomeUnknown } from '../../src/apply/outcome.js';
import { orderChanges, phaseOf } from '../../src/apply/order.js';
import type { Change } from '../../src/model/plan.js';
import { makeDefault, membershipCreate, orgCreate, orgDelete, orgUpdate, userCreate, userUpdate } from './helpers.js';

const withCode = (message: string, code: string, name = 'Error'): Error => Object.assign(new Error(message), { code, name });

describe('isOutcomeUnknown', () => {
  it('is true when the request may have reached Zendesk', () => {
    expect(isOutcomeUnknown(Object.assign(new Error('x'), { name: 'OutcomeUnknownError' }))).toBe(true);
    expect(isOutcomeUnknown(withCode('socket hang up', 'ECONNRESET'))).toBe(true);
    expect(isOutcomeUnknown(new TypeError('fetch failed', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }))).toBe(true);
    expect(isOutcomeUnknown(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('is false when nothing was sent, or for anything else', () => {
    expect(isOutcomeUnknown(new TypeError('fetch failed', { cause: withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED') }))).toBe(false);
    expect(isOutcomeUnknown(withCode('getaddrinfo ENOTFOUND x.zendesk.com', 'ENOTFOUND'))).toBe(false);
    expect(isOutcomeUnknown(new Error('401 Unauthorized'))).toBe(false);
    expect(isOutcomeUnknown('ECONNRESET')).toBe(false);
  });
});

describe('errorMessage', () => {
  it('never carries credentials', () => {
    expect(errorMessage(new Error('request with Authorization: Bearer abcdef123456 failed'))).toBe('request with Authorization: Bearer [REDACTED] failed');
    expect(errorMessage(new Error('GET https://x/api?token=s3cr3t&a=1'))).toBe('GET https://x/api?token=[REDACTED]&a=1');
  });
});

describe('orderChanges', () => {
  it('groups changes into phases in write order, keeping the plan order within a phase', () => {
    const changes = [
      orgDelete(1, 'D', 'D'),
      makeDefault('a@x.com', 'O', 5, { user_id: 1, organization_id: 2 }),
      membershipCreate('a@x.com', 'O', { user_id: 1, organization_id: 2 }),
      userUpdate(1, 'a@x.com', { name: 'a' }, { name: 'b' }),
      userCreate('c@x.com', 'C'),
      userCreate('b@x.com', 'B'),
      orgUpdate(2, 'O', 'O', { notes: 'a' }, { notes: 'b' }),
      orgCreate('N', 'N'),
      { ...userCreate('z@x.com', 'Z'), action: 'archive' } as unknown as Change,
      // offboarding's kinds (issue 17): user deletes after organization deletes, suspends before them
      { ...userCreate('y@x.com', 'Y'), action: 'delete', zendesk_id: 7, after: null } as unknown as Change,
      { ...userCreate('x@x.com', 'X'), action: 'suspend', zendesk_id: 8 } as unknown as Change,
    ];
    const { phases, unsupported } = orderChanges(changes);
    expect(phases.map((p) => [p.name, p.changes.map((c) => c.key)])).toEqual([
      ['organization:create', ['N']],
      ['organization:update', ['O']],
      ['user:create', ['c@x.com', 'b@x.com']],
      ['user:update', ['a@x.com']],
      ['membership:create', ['a@x.com -> O']],
      ['membership:make_default', ['a@x.com -> O']],
      ['user:suspend', ['x@x.com']],
      ['organization:delete', ['D']],
      ['user:delete', ['y@x.com']],
    ]);
    expect(unsupported.map((c) => c.key)).toEqual(['z@x.com']);
    expect(phaseOf({ ...orgCreate('X', 'X'), action: 'make_default' } as unknown as Change)).toBeNull();
  });
});
