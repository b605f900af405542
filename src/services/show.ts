// `zdsf show PLANFILE`: a saved plan rendered exactly as `zdsf plan` printed it, by the same render functions.
import type { Config } from '../model/config.js';
import type { Plan } from '../model/plan.js';
import { loadConfig } from '../config/index.js';
import { DEFAULT_MARKDOWN_LIMIT, jsonChunks, renderMarkdown, textChunks } from '../render/index.js';
import { readPlanFile } from './plan-file.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface RenderPlanOptions {
  format: PlanFormat;
  /** text: ANSI colours */
  color?: boolean;
  /** markdown: cut to this many characters */
  markdownLimit?: number;
  /** markdown: retention.max_deletes by sync (see maxDeletesOf) */
  maxDeletes?: Record<string, number | undefined>;
}

/** retention.max_deletes of each sync, for the refusals the markdown plan announces. */
export function maxDeletesOf(config: Pick<Config, 'syncs'>): Record<string, number | undefined> {
  return Object.fromEntries(config.syncs.map((s) => [s.name, s.organizations?.retention?.max_deletes]));
}

/** The document `zdsf plan --format F` writes to stdout, as chunks (a first sync's plan can be very large). */
export function planDocument(plan: Plan, options: RenderPlanOptions): Iterable<string> {
  if (options.format === 'json') return jsonChunks(plan);
  if (options.format === 'markdown') return [renderMarkdown(plan, { maxChars: options.markdownLimit ?? DEFAULT_MARKDOWN_LIMIT, maxDeletes: options.maxDeletes })];
  return textChunks(plan, { color: options.color ?? false });
}

export interface ShowOptions extends RenderPlanOptions {
  file: string;
  /** the config the plan was made with, for max_deletes; read offline (no secrets), ignored when it cannot be read */
  configFile?: string;
}

/** Reads a saved plan (refusing anything that is not one, with the reason) and renders it. */
export async function showPlan(options: ShowOptions): Promise<Iterable<string>> {
  const plan = await readPlanFile(options.file);
  let maxDeletes = options.maxDeletes;
  if (!maxDeletes && options.configFile) {
    const { config } = await loadConfig({ file: options.configFile, checkEnv: false });
    if (config) maxDeletes = maxDeletesOf(config);
  }
  return planDocument(plan, { ...options, maxDeletes });
}
