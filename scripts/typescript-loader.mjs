// `node --import ./scripts/typescript-loader.mjs src/main.ts`: runs the TypeScript sources as they
// are, without a build step. See typescript-hooks.mjs for why this is not tsx.
import { register } from 'node:module';
import process from 'node:process';

register('./typescript-hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
