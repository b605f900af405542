// Saved plans: written by `zdsf plan --out`, read by `zdsf apply PLANFILE`.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile, rename, rm } from 'node:fs/promises';
import type { Plan } from '../model/plan.js';
import { jsonChunks } from '../render/json.js';
import { ZdsfError } from '../util/errors.js';
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
    throw new ZdsfError(`cannot write the plan to ${path}: ${(error as Error).message}`, 'plan_file');
  }
  await rename(tmp, path);
}
export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ZdsfError(`cannot read the plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'plan_file');
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new ZdsfError(`${path} is not a zdsf plan: it is not JSON (save one with \`zdsf plan --out ${path}\`)`, 'plan_file');
  }
  const p = plan as Partial<Plan>;
  if (!p || typeof p !== 'object' || !Array.isArray(p.syncs) || typeof p.config_digest !== 'string') {
    throw new ZdsfError(`${path} is not a zdsf plan (save one with \`zdsf plan --out ${path}\`)`, 'plan_file');
  }
  if (p.format_version !== '1.0') {
    throw new ZdsfError(`${path} has plan format ${String(p.format_version)}; this zdsf reads format 1.0`, 'plan_file');
  }
  if (p.syncs.some((s) => s.error !== undefined)) {
    throw new ZdsfError(`${path} records a sync that could not be planned; plan again once it plans cleanly`, 'plan_file');
  }
  return plan as Plan;
}
