#!/usr/bin/env node
// @ts-check
/**
 * node tools/mutate/survivors.js <area> [file-substring] — the mutants of the last `npm run mutate <area>` that no
 * test detected (Survived, NoCoverage), read from bench/results/mutation/<area>.json (`<area>.partial` for a run
 * with --mutate), one per line:
 * file:line:column status mutator: original → replacement.
 */
const fs = require('node:fs');
const path = require('node:path');

const [area, only] = process.argv.slice(2);
if (!area) {
  console.error('usage: node tools/mutate/survivors.js <area> [file-substring]');
  process.exit(1);
}
const file = path.join(__dirname, '..', '..', 'bench', 'results', 'mutation', `${area}.json`);
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
let shown = 0;
for (const [name, entry] of Object.entries(report.files)) {
  if (only && !name.includes(only)) continue;
  const lines = entry.source.split('\n');
  for (const m of entry.mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const { start, end } = m.location;
    const original =
      start.line === end.line
        ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
        : `${lines[start.line - 1].slice(start.column - 1)} …`;
    const clip = (/** @type {string} */ s) =>
      (s.length > 90 ? `${s.slice(0, 87)}...` : s).replace(/\n/g, '⏎');
    console.log(
      `${name}:${start.line}:${start.column} ${m.status} ${m.mutatorName}: ${clip(original)} → ${clip(m.replacement ?? '')}`,
    );
    shown++;
  }
}
console.log(`${shown} undetected mutant(s)`);
