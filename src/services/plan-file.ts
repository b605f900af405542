// Saved plans: written by `zdsf plan --out`, read by `zdsf apply PLANFILE`. Both ways stream: the file is
// written a change a line, and read a value at a time (never one string: a first sync's plan can be 620 MB),
// its seal recomputed as it goes (src/model/seal.ts). A file that is not a plan of this format, is truncated,
// has a value of the wrong shape or a seal that does not match is refused in one line naming the file and the
// JSON path, before anything is sent.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm, stat } from 'node:fs/promises';
import { PLAN_FORMAT_VERSION, type Change, type Plan, type SyncPlan } from '../model/plan.js';
import { ChangesDigest, sealOf } from '../model/seal.js';
import { leanCreateDiff } from '../model/create-diff.js';
import { applyView } from '../model/apply-view.js';
import { leanUpdateDiff } from '../model/update-diff.js';
import { jsonChunks } from '../render/json.js';
import { PlanFileError } from '../util/errors.js';
import { JsonScanError, JsonScanner } from '../util/json-scan.js';
import { writeChunks } from '../util/stream.js';
import { PRIVATE_FILE_MODE } from '../util/files.js';

/** Streams the plan to a temporary file, then renames it: a reader never sees half a plan. */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8', mode: PRIVATE_FILE_MODE }); // names and emails: owner only
  try {
    await writeChunks(out, jsonChunks(plan));
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new PlanFileError(`cannot write the plan to ${path}: ${(error as Error).message}`, 'Check the path and the free space, then plan again.');
  }
  await rename(tmp, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a change is not of the plan's shape (null: it is). The guard then checks what it may do. */
function changeProblem(c: unknown): string | null {
  if (!isObject(c)) return 'is not an object';
  for (const k of ['type', 'action', 'key', 'label'] as const) if (typeof c[k] !== 'string') return `.${k} is not a string`;
  if (c.zendesk_id !== null && typeof c.zendesk_id !== 'number') return '.zendesk_id is neither a number nor null';
  if (c.after !== null && !isObject(c.after)) return '.after is neither an object nor null';
  if (c.before !== null && !isObject(c.before)) return '.before is neither an object nor null';
  if (!Array.isArray(c.diff)) return '.diff is not an array';
  for (const ref of ['user', 'organization'] as const) {
    const r = c[ref];
    if (r === undefined) continue;
    if (!isObject(r) || (r.id !== null && typeof r.id !== 'number') || typeof r.key !== 'string') return `.${ref} is not a reference ({ id, key })`;
  }
  if (c.type === 'membership' && (!isObject(c.user) || !isObject(c.organization))) return 'is a membership without .user and .organization';
  if ((c.type === 'organization' || c.type === 'user') && c.action !== 'delete' && !isObject(c.after)) return '.after is not an object';
  if ((c.type === 'field' || c.type === 'field_option') && (!isObject(c.after) || typeof c.resource !== 'string')) return 'is a field change without .after and .resource';
  if (c.type === 'case' && (!isObject(c.after) || typeof c.key_field !== 'string')) return 'is a case without .after and .key_field';
  return null;
}

export interface ReadPlanOptions {
  /**
   * `full` (default): every change as saved (show, explain). `apply`: each change without what only the reviewer
   * reads (its diff and sources; src/model/apply-view.ts), so that apply holds a first sync's plan in far less memory.
   */
  view?: 'full' | 'apply';
}

/** Reads and checks a saved plan (format, shape, seal). */
export async function readPlanFile(path: string, options: ReadPlanOptions = {}): Promise<Plan> {
  const keep = options.view === 'apply' ? applyView : (c: Change): Change => leanUpdateDiff(leanCreateDiff(c));
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new PlanFileError(`${path} is not a file`);
  } catch (error) {
    if (error instanceof PlanFileError) throw error;
    throw new PlanFileError(`cannot read the plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const scan = new JsonScanner(stream as AsyncIterable<string>);
  let where = '$';
  const bad = (what: string, line?: number): PlanFileError =>
    new PlanFileError(`${path}${line ? `:${line}` : ''}: ${where}: ${what}; this is not a zdsf plan of format ${PLAN_FORMAT_VERSION} as \`zdsf plan --out\` writes it`);
  try {
    const head: Record<string, unknown> = {};
    const syncs: { sync: SyncPlan; digest: string }[] = [];
    let sawSyncs = false;
    await scan.expect('{', 'the plan object');
    if (!(await scan.closes('}'))) {
      do {
        const key = await scan.key();
        where = `$.${key}`;
        if (key !== 'syncs') {
          head[key] = await scan.value();
          if (key === 'format_version' && head[key] !== PLAN_FORMAT_VERSION) throw formatError(path, head[key]);
          continue;
        }
        sawSyncs = true;
        if ((await scan.peek()) !== '[') throw bad('is not an array');
        await scan.expect('[', '[');
        if (await scan.closes(']')) continue;
        let s = 0;
        do {
          where = `$.syncs[${s}]`;
          if ((await scan.peek()) !== '{') throw bad('is not an object');
          syncs.push(await readSync(scan, (p) => (where = `$.syncs[${s}]${p}`), bad, keep));
          s++;
        } while (await scan.commaOr(']'));
      } while (await scan.commaOr('}'));
    }
    where = '$';
    await scan.end();
    if (head.format_version !== PLAN_FORMAT_VERSION) throw formatError(path, head.format_version);
    if (!sawSyncs) throw bad('has no "syncs"');
    if (typeof head.config_digest !== 'string') throw bad('has no "config_digest"');
    if (typeof head.seal !== 'string') {
      throw new PlanFileError(`${path}: the plan has no seal; zdsf ${PLAN_FORMAT_VERSION} plans are sealed`);
    }
    const seal = sealOf(
      head,
      syncs.map(({ sync, digest }) => {
        const { changes: _c, ...rest } = sync;
        return { sync: rest as unknown as Record<string, unknown>, changesDigest: digest };
      }),
    );
    if (seal !== head.seal) {
      throw new PlanFileError(
        `${path}: the plan's seal does not match its content: it was edited or damaged after \`zdsf plan\` wrote it. Nothing was written.`,
        'Apply only a plan as zdsf saved it: run `zdsf plan --out FILE` again, review it and apply that file. (The seal is a checksum, not a signature.)',
      );
    }
    const plan = { ...head, syncs: syncs.map((s) => s.sync) } as unknown as Plan;
    if (plan.syncs.some((s) => s.error !== undefined)) {
      throw new PlanFileError(`${path} records a sync that could not be planned`, 'Plan again once every sync plans cleanly.');
    }
    return plan;
  } catch (error) {
    if (error instanceof JsonScanError) throw bad(error.message, error.line);
    throw error;
  } finally {
    stream.destroy();
  }
}

function formatError(path: string, version: unknown): PlanFileError {
  if (version === undefined || version === null) {
    return new PlanFileError(`${path} is not a zdsf plan (it has no format_version)`, 'Save a plan with `zdsf plan --out FILE` and use that file.');
  }
  return new PlanFileError(
    `${path} has plan format ${JSON.stringify(version ?? null)}; this zdsf reads format ${PLAN_FORMAT_VERSION} only (sealed, typed changes)`,
    `Make a new plan with this zdsf: \`zdsf plan --out ${path}\`, review it and apply that one.`,
  );
}

async function readSync(
  scan: JsonScanner,
  at: (path: string) => void,
  bad: (what: string, line?: number) => PlanFileError,
  keep: (change: Change) => Change,
): Promise<{ sync: SyncPlan; digest: string }> {
  const sync: Record<string, unknown> = {};
  const digest = new ChangesDigest();
  const changes: Change[] = [];
  await scan.expect('{', '{');
  if (!(await scan.closes('}'))) {
    do {
      const key = await scan.key();
      at(`.${key}`);
      if (key !== 'changes') {
        sync[key] = await scan.value();
        continue;
      }
      if ((await scan.peek()) !== '[') throw bad('is not an array');
      await scan.expect('[', '[');
      if (await scan.closes(']')) continue;
      let i = 0;
      do {
        at(`.changes[${i}]`);
        const c = await scan.value();
        const problem = changeProblem(c);
        if (problem) throw bad(problem, scan.line);
        digest.add(c);
        // a create's or update's diff is computed when read, not held (src/model/create-diff.ts, update-diff.ts);
        // apply keeps no diff at all
        changes.push(keep(c as Change));
        i++;
      } while (await scan.commaOr(']'));
    } while (await scan.commaOr('}'));
  }
  at('');
  if (typeof sync.name !== 'string') throw bad('has no "name"');
  if (!Array.isArray(sync.warnings ?? [])) {
    at('.warnings');
    throw bad('is not an array');
  }
  sync.changes = changes;
  return { sync: sync as unknown as SyncPlan, digest: digest.digest() };
}
