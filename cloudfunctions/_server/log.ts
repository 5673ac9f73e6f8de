/**
 * Logging without personal data (regulation rule 3). Only fixed event names and values we chose go out; any
 * free text (error messages) is passed through `redact`, which removes digit runs long enough to be an ID
 * number or a phone number, and Chinese text, which could be a name.
 */
export function redact(text: string): string {
  return text
    .replace(/\d{6,}[\dXx]?/g, '[digits]')
    .replace(/[\u3400-\u9fff\u00b7]+/g, '[text]')
    .slice(0, 300);
}

export function logEvent(
  event: string,
  details: Record<string, string | number | boolean | null> = {},
): void {
  console.log(JSON.stringify({ event, ...details }));
}

export function logFailure(event: string, err: unknown, details: Record<string, string | number> = {}): void {
  const e = err as { name?: string; code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown };
  console.error(
    JSON.stringify({
      event,
      ...details,
      error: e?.name ?? typeof err,
      code: String(e?.code ?? e?.errCode ?? ''),
      // WeChat's failures as plain objects carry their text as errMsg
      message: redact(String(e?.message ?? e?.errMsg ?? err)),
    }),
  );
}
