/** Prints a measured figure from a test, past the silenced console (test/setup-console.js). */
export function report(line: string): void {
  process.stderr.write(`  [measured] ${line}\n`);
}
