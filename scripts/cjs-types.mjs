// Declarations for CommonJS consumers (`require('stronghold-ts/iota')`, TypeScript `module: node16` or
// `moduleResolution: node`). The JavaScript stays the one ESM build: Node 22.12+ loads it with require(esm), since
// no module of the published graph uses top-level await. TypeScript, though, decides whether a `require` may
// load a declaration file by the `type` of its nearest package.json, so dist/cjs holds the same .d.ts files
// under a {"type": "commonjs"} package.json, and the `require` export condition and typesVersions point there.
// Their type imports of ESM-only packages (libp2p, multiaddr) get `resolution-mode: import` (TypeScript 5.3+),
// without which TypeScript refuses a CommonJS declaration that names an ES module's types.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const out = join(dist, 'cjs');
/** A named import from a package (not `node:` builtins, not relative paths); in a .d.ts every import is a type. */
const ESM_TYPE_IMPORT = /^import (?:type )?\{([^}]*)\} from '((?!node:)[^.'][^']*)';$/gm;

async function* declarations(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && path !== out) yield* declarations(path);
    else if (entry.isFile() && entry.name.endsWith('.d.ts')) yield path;
  }
}

await rm(out, { recursive: true, force: true });
for await (const file of declarations(dist)) {
  const target = join(out, relative(dist, file));
  await mkdir(dirname(target), { recursive: true });
  const text = await readFile(file, 'utf8');
  await writeFile(target, text.replace(ESM_TYPE_IMPORT, (_, names, pkg) => `import type { ${names.replace(/\btype /g, '').trim()} } from '${pkg}' with { 'resolution-mode': 'import' };`));
}
await writeFile(join(out, 'package.json'), '{ "type": "commonjs" }\n');
