/** The append-only audit of privileged actions (DESIGN.md section 4). Rows are never updated or purged. */
import type { AuditDoc } from './db/documents';
import { Repository } from './db/repository';
import { randomId } from './privacy/personal-data';
import type { SystemContext } from './router';

export type AuditEntry = Omit<AuditDoc, '_id' | 'at' | 'details'> & { details?: AuditDoc['details'] };

/** The audit row of an action, to write in the same transaction as the action itself. */
export function auditRow(ctx: SystemContext, entry: AuditEntry): AuditDoc {
  return { _id: randomId(12), at: ctx.now, details: {}, ...entry };
}

/** Writes an audit row on its own (for what is not a write: a refused attempt, a reveal). */
export async function audit(ctx: SystemContext, entry: AuditEntry): Promise<void> {
  await new Repository<AuditDoc>(ctx.db, 'audit').insert(auditRow(ctx, entry));
}
