#!/usr/bin/env node
// The duhdr command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('duhdr: dist/ is missing — run `npm install` (or `npm run build`) in the duhdr folder first\n');
  process.exit(1);
}
await import(entry.href);
