/**
 * Typed repository ports over the wx-server-sdk database: one per collection of collections.ts, so use cases
 * read and write documents of known shape and never touch a collection by a loose name.
 */
import type { CloudDatabase } from '../cloud';
import type { CollectionName } from './collections';

export interface Identified {
  _id: string;
}

export type SortOrder = Array<[field: string, direction: 'asc' | 'desc']>;

export interface FindOptions {
  orderBy?: SortOrder;
  limit?: number;
}

/** WeChat Cloud answers a unique-index violation with errCode -502001 and MongoDB's E11000 message. */
export function isDuplicateKeyError(err: unknown): boolean {
  const message = String((err as { message?: unknown; errMsg?: unknown })?.message ?? '');
  return /E11000|duplicate key/i.test(message);
}

type Filter = Record<string, unknown>;

export class Repository<T extends Identified> {
  constructor(
    private readonly db: CloudDatabase,
    readonly name: CollectionName,
  ) {}

  private collection() {
    return this.db.collection(this.name);
  }

  /** The document with this id, or null (no exception for a missing one). */
  async get(id: string): Promise<T | null> {
    const res = await this.collection().where({ _id: id }).limit(1).get();
    return (res.data[0] as T | undefined) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let query = this.collection().where(filter);
    for (const [field, direction] of options.orderBy ?? []) query = query.orderBy(field, direction);
    query = query.limit(options.limit ?? 100);
    const res = await query.get();
    return res.data as T[];
  }

  async first(filter: Filter, orderBy?: SortOrder): Promise<T | null> {
    const [found] = await this.find(filter, { orderBy, limit: 1 });
    return found ?? null;
  }

  /** Inserts the document; throws on any failure, a duplicate key included. */
  async insert(doc: T): Promise<void> {
    await this.collection().add({ data: doc });
  }

  /** Inserts the document unless a unique index already holds its key: false then, and nothing written. */
  async insertUnique(doc: T): Promise<boolean> {
    try {
      await this.insert(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /**
   * Inserts the documents in one request; false when a unique index already held one of their keys (those before it
   * may be written: make the documents' writes idempotent and complete them one by one then).
   */
  async insertManyUnique(docs: T[]): Promise<boolean> {
    if (docs.length === 0) return true;
    try {
      await this.collection().add({ data: docs });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Replaces the document with this id, or creates it. */
  async set(id: string, content: Omit<T, '_id'>): Promise<void> {
    await this.collection().doc(id).set({ data: content });
  }

  /** Applies the update (plain fields or db.command operators); the number of documents changed. */
  async update(id: string, patch: Filter): Promise<number> {
    const res = await this.collection().doc(id).update({ data: patch });
    return res.stats?.updated ?? 0;
  }

  async updateWhere(filter: Filter, patch: Filter): Promise<number> {
    const res = await this.collection().where(filter).update({ data: patch });
    return res.stats?.updated ?? 0;
  }

  async removeWhere(filter: Filter): Promise<number> {
    const res = await this.collection().where(filter).remove();
    return res.stats?.removed ?? 0;
  }
}
