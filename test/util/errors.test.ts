import { describe, expect, it } from 'vitest';
import { ConfigChangedError, DeleteRefusedError, MassChangeRefusedError, PlanFileError, PlanRefusedError, StalePlanError, UnknownSyncError, ZdsfError } from '../../src/util/errors.js';

describe('ZdsfError and its subclasses', () => {
  it('each error is named after its own class (the base sets it from new.target)', () => {
    const errors: Error[] = [
      new ZdsfError('m'),
      new PlanFileError('m'),
      new ConfigChangedError('m'),
      new PlanRefusedError('m', []),
      new StalePlanError('m'),
      new DeleteRefusedError('m'),
      new MassChangeRefusedError('m'),
      new UnknownSyncError('m'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'ZdsfError',
      'PlanFileError',
      'ConfigChangedError',
      'PlanRefusedError',
      'StalePlanError',
      'DeleteRefusedError',
      'MassChangeRefusedError',
      'UnknownSyncError',
    ]);
    expect(errors.every((e) => e instanceof ZdsfError)).toBe(true);
  });

  it('keeps the code and the next steps', () => {
    const e = new StalePlanError('records changed');
    expect(e.code).toBe('stale_plan');
    expect(e.fullMessage).toBe('records changed\nRun `zdsf plan` again, review the new plan and apply that one.');
  });
});
