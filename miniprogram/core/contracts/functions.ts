/**
 * The six cloud functions of API.md section 3. Each has its own contract file beside this one, listing the
 * actions it serves with their parameter schemas and replies; the router and the client are typed from it.
 */
export const FUNCTION_NAMES = ['citizen', 'scan', 'org', 'records', 'health', 'cron'] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

export function isFunctionName(value: unknown): value is FunctionName {
  return typeof value === 'string' && (FUNCTION_NAMES as readonly string[]).includes(value);
}
