#!/usr/bin/env node
// The `douyin-live` command. This small file is committed (dist/ is built), so npm can link the bin at install
// time, before anything is compiled; it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write('douyin-live: not built yet; run `npm run build` (or `npm start`) in the repository first\n');
  process.exitCode = 1;
}
