export { applyPlan, type ApplyOptions, type ApplyResult, type ApplyFailure, type SyncApplyResult } from './executor.js';
export { createAuditLog, formatAuditEntry, redact, type AuditEntry, type AuditLog, type AuditOutcome } from './audit.js';
export { estimateApply, describeEstimate, BULK_SIZE } from './estimate.js';
export { orderChanges, phaseOf, PHASES, type Phase, type PhaseName } from './order.js';
export {
  checkChanges,
  checkConfigDigest,
  findStaleChanges,
  lookupLive,
  lookupSize,
  matchOptions,
  staleError,
  LiveIndex,
  type ChangeCheck,
  type LiveRecords,
  type MatchOptions,
  type StaleChange,
} from './stale.js';
export { isOutcomeUnknown } from './outcome.js';
