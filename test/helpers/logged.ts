/**
 * What the functions log from now on, read back: their log lines are JSON (cloudfunctions/_server/log.ts), one a
 * call of `console.log` (events) or `console.error` (failures). The spy stays until `jest.restoreAllMocks()`.
 */
export function loggedJson(method: 'log' | 'error'): () => unknown[] {
  const lines: string[] = [];
  jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    lines.push(String(args[0]));
  });
  return () => lines.map((line) => JSON.parse(line) as unknown);
}
