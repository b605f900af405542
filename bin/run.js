#!/usr/bin/env node
// zdsf's entry point. Exit codes (issue 11): 0 success; 1 any error, including an unknown command or flag;
// 2 only from `plan --detailed-exitcode` when the plan has changes (oclif alone exits 2 for an unknown
// command, which CI reads as "the plan has changes").

// oclif checks its own engines field with semver at import, which costs about 0.15 s of CPU on every run
// (`zdsf validate` in a pre-commit hook pays it on every commit; issue 15): zdsf checks its own minimum instead.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) process.emitWarning(`zdsf needs Node 20.12 or later; this is Node ${process.versions.node}.`);
// Heap headroom (issue 12): after each full collection V8 lets the heap grow to 2 to 4 times what survived before
// it collects again. plan and apply hold one large live set (both worlds, then the changes), so at 100k
// organizations / 500k users that headroom alone was over 500 MB of peak RSS. 30 % headroom bounds it, for a
// little more collection work; ZDSF_HEAP_GROWING_PERCENT=0 restores V8's own choice.
const growing = process.env.ZDSF_HEAP_GROWING_PERCENT ?? '30';
if (/^[1-9]\d*$/.test(growing)) (await import('node:v8')).setFlagsFromString(`--heap-growing-percent=${growing}`);
const { Errors, flush, handle, run } = await import('@oclif/core');

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (error) {
  // only a command's own this.exit(2) (plan --detailed-exitcode) may exit 2
  if (error && typeof error === 'object' && error.oclif && error.oclif.exit === 2 && !(error instanceof Errors.ExitError)) error.oclif.exit = 1;
  await handle(error);
}
