// Module hooks that run the gateway's TypeScript sources directly (registered by
// typescript-loader.mjs). Types are stripped by esbuild, file by file, as each module is loaded.
//
// Why not tsx, which does the same: tsx compiles with esbuild's `keepNames`, which wraps every
// function and class in a `__name(fn, "name")` call that redefines its `name` property each time a
// closure is created. On the relay's hot path that cost about 5% of the gateway's CPU per request;
// without minification the names are the ones written in the source anyway.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import { transform } from 'esbuild';

const tsconfigUrl = new URL('../tsconfig.json', import.meta.url);
const { compilerOptions } = JSON.parse(await readFile(tsconfigUrl, 'utf8'));

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const { code } = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path,
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
