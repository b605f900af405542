// Plan -> JSON (format_version "1.0", DESIGN.md section 4) and GitLab's terraform report.
// A plan of a first sync can hold hundreds of thousands of changes: the document is produced in chunks,
// one change a line, so that it is written without ever being one string in memory.
import type { Plan, SyncPlan } from '../model/plan.js';

const j = (value: unknown): string => JSON.stringify(value);

function* list<T>(indent: string, items: T[]): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  for (let i = 0; i < items.length; i++) yield `${indent}  ${j(items[i])}${i < items.length - 1 ? ',' : ''}\n`;
  yield `${indent}]`;
}

function* syncChunks(sync: SyncPlan, indent: string): Generator<string> {
  const { changes, warnings, ...rest } = sync;
  yield `${indent}{\n`;
  const inner = `${indent}  `;
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) yield `${inner}${j(k)}: ${j(v)},\n`;
  }
  yield `${inner}"changes": `;
  yield* list(inner, changes);
  yield `,\n${inner}"warnings": `;
  yield* list(inner, warnings);
  yield `\n${indent}}`;
}

/** The plan document in chunks: readable (one change or warning a line) and streamable. */
export function* jsonChunks(plan: Plan): Generator<string> {
  const { syncs, ...head } = plan;
  yield '{\n';
  for (const [k, v] of Object.entries(head)) yield `  ${j(k)}: ${j(v)},\n`;
  yield '  "syncs": [';
  for (let i = 0; i < syncs.length; i++) {
    yield '\n';
    yield* syncChunks(syncs[i], '    ');
    if (i < syncs.length - 1) yield ',';
  }
  yield syncs.length > 0 ? '\n  ]\n}\n' : ']\n}\n';
}

export function renderJson(plan: Plan): string {
  return [...jsonChunks(plan)].join('');
}

/** `{ "create": N, "update": N, "delete": N }`: what GitLab's merge-request widget reads as a terraform report. */
export function renderReport(plan: Plan): string {
  const { create, update, delete: del } = plan.summary;
  return `${JSON.stringify({ create, update, delete: del })}\n`;
}
