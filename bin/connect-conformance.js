#!/usr/bin/env node
// The installed command. From the package (npm install), it runs the compiled code in dist/; in a source checkout of
// the suite (bin/cli.ts next to this file, no build needed), it runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const source = new URL('./cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/bin/cli.js');
}
