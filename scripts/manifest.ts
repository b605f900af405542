// Writes oclif.manifest.json (the commands' ids, flags and descriptions) so that the CLI does not import every
// command module to answer `--version`, `--help` or one command: oclif reads the manifest and loads only the
// command that runs. Run by `npm run build` (so `npm pack`, installs from git and a checkout all have it) from
// the compiled commands in dist/. The file is generated: it is in .gitignore, never edit it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Plugin } from '@oclif/core';

const root = join(import.meta.dirname, '..', '..');
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
await writeFile(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`, 'utf8');
process.stdout.write(`wrote oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`);
