/**
 * The audited reveal of the person behind a scan (rule 11), as the pages that show a scan's or an alert's detail
 * ask for it: a reason is required (it goes into the audit), then `records.reveal`; the result is the page's next
 * state — the person, or why not (no grant, outside the actor's scope).
 */
import type { RecordsReplies } from '../../core/contracts/records.contract';
import { callCloud } from '../../services/cloud';
import { revealRefusal } from '../core/records.view';

export interface RevealState {
  asking?: boolean;
  revealing: boolean;
  revealed: RecordsReplies['reveal'] | null;
  refusal: string;
  reasonHint?: string;
}

/** The reason to send, or (none typed) the hint the page shows instead. */
export function revealRequest(reasonTyped: string): { reason: string } | { reasonHint: string } {
  const reason = reasonTyped.trim();
  return reason ? { reason } : { reasonHint: '请填写查阅事由（记入审计）' };
}

export async function revealPerson(
  actingPositionId: string,
  scanId: string,
  reason: string,
): Promise<RevealState> {
  const reply = await callCloud('records', 'reveal', { actingPositionId, scanId, reason });
  if (!reply.ok) return { revealing: false, revealed: null, refusal: revealRefusal(reply.error) };
  return { revealing: false, asking: false, revealed: reply.data, refusal: '' };
}
