// How apply sends a batch of case changes (issue 18): one sObject Collections upsert keyed by the ticket id field
// (SalesforceWriter.upsert retries whole requests on 5xx / network failures and re-sends the records Salesforce
// asks it to), or, for a phase of at least `cases.bulk_threshold` changes, one Bulk API 2.0 ingest job of up to
// BULK_JOB_RECORDS (the same per-record results; docs/cases.md has the measurement behind the threshold). When the upsert's outcome is unknown (no answer after the writer's retries), the Cases are looked
// up by the key: one found as sent was written; one not found, or different, is reported not written. An upsert
// by external id never creates a second Case for one ticket, so the next apply may send it again.
import type { Sync } from '../model/config.js';
import type { CaseAttributes, CaseChange } from '../model/plan.js';
import type { SalesforceWriter, WriteResult } from '../model/ports.js';
import { COLLECTION_SIZE } from '../salesforce/case-writer.js';
import { casesByKey, caseFieldsToRead, differing } from './cases.js';
import { errorMessage } from './outcome.js';

/** Records a Collections request carries. */
export const CASE_BATCH_SIZE = COLLECTION_SIZE;
/** Records one Bulk API 2.0 ingest job carries at most (its CSV is split further when over 100 MB). */
export const BULK_JOB_RECORDS = 50_000;

/** The request line of a batch of case changes in audit lines and failures. */
export function caseEndpoint(records: number): string {
  return records > CASE_BATCH_SIZE ? 'Bulk API 2.0 ingest job: POST /services/data/vXX.X/jobs/ingest (upsert by {key_field})' : 'PATCH /services/data/vXX.X/composite/sobjects/Case/{key_field}';
}

/** The records of one batch of a case phase of `count` changes: a Bulk job's from the threshold on, else a Collections request's. */
export function caseGroupSize(count: number, config: Sync): number {
  const threshold = config.cases?.bulk_threshold;
  return threshold !== undefined && count >= threshold ? BULK_JOB_RECORDS : CASE_BATCH_SIZE;
}

function errorText(errors: { statusCode: string; message: string; fields: string[] }[]): string {
  return errors.map((e) => `${e.statusCode}: ${e.message}${e.fields.length ? ` (${e.fields.join(', ')})` : ''}`).join('; ') || 'Salesforce reported a failure without an error';
}

export async function upsertCases(writer: SalesforceWriter, payloads: Record<string, unknown>[], changes: CaseChange[]): Promise<WriteResult[]> {
  if (payloads.length === 0) return [];
  const keyField = changes[0].key_field;
  const records = payloads as CaseAttributes[];
  let answers;
  try {
    answers = await writer.upsert(keyField, records, records.length > CASE_BATCH_SIZE ? { bulk: true } : {});
  } catch (err) {
    const why = errorMessage(err);
    let found;
    try {
      found = casesByKey(await writer.readCasesByKeys(keyField, changes.map((c) => c.key), caseFieldsToRead(changes)), keyField);
    } catch {
      throw err; // Salesforce cannot be used: the sync stops, nothing is reported as written
    }
    return records.map((r, index): WriteResult => {
      const live = found.get(changes[index].key);
      if (live?.length === 1 && differing(r, live[0], keyField).length === 0) {
        return { index, ok: true, status: 'Found', note: `outcome unknown (${why}); Case ${live[0].Id} found in Salesforce afterwards` };
      }
      return { index, ok: false, status: 'Failed', error: `not written (${why}); the upsert is keyed by ${keyField}: run apply again` };
    });
  }
  return answers.map((a, index): WriteResult =>
    a.ok ? { index, ok: true, status: a.created ? 'Created' : 'Updated', note: `Case ${a.id ?? '?'} ${a.created ? 'created' : 'updated'}` } : { index, ok: false, status: 'Failed', error: errorText(a.errors) },
  );
}
