/**
 * The cloud database's collections and their indexes, declared once (DESIGN.md section 2).
 *
 * The local cloud creates exactly these collections and indexes; `npm run build` writes the same declarations to
 * `cloudfunctions/database.indexes.json` for creating them in the WeChat Cloud console. A field that holds an array
 * (`ancestors`, `scopeAncestors`) makes the index multikey, as in MongoDB: one entry per element.
 */

export type IndexDirection = 1 | -1;

export interface IndexSpec {
  /** Stable name, used by the query plan and the console setup. */
  readonly name: string;
  /** Indexed fields in order; dotted paths reach into sub-documents. */
  readonly fields: ReadonlyArray<readonly [string, IndexDirection]>;
  /** At most one document per key. */
  readonly unique?: boolean;
  /** Documents whose indexed fields are all missing or null are left out (so many may lack the field). */
  readonly sparse?: boolean;
}

export interface CollectionSpec {
  readonly description: string;
  readonly indexes: readonly IndexSpec[];
}

export const COLLECTIONS = {
  persons: {
    description:
      'citizens, guests and dependants: encrypted identity, masked copies, national facts, color, code seeds',
    indexes: [
      { name: 'openid', fields: [['openid', 1]], unique: true, sparse: true },
      { name: 'idHash', fields: [['idHash', 1]], unique: true, sparse: true },
      { name: 'codeId', fields: [['codeId', 1]], unique: true, sparse: true },
      {
        name: 'color_quarantineUntil',
        fields: [
          ['color', 1],
          ['national.quarantineUntil', 1],
        ],
      },
      {
        // the risk list's quarantines (API.md 4, v1.1: a source apart from the national platform)
        name: 'color_listQuarantineUntil',
        fields: [
          ['color', 1],
          ['listFlag.quarantineUntil', 1],
        ],
      },
    ],
  },
  risk_flags: {
    description:
      "the province's copy of national risk flags (health.importRiskList); _id is the person's idHash",
    indexes: [],
  },
  code_events: {
    description: 'append-only color changes',
    indexes: [
      {
        name: 'personId_at',
        fields: [
          ['personId', 1],
          ['at', -1],
        ],
      },
    ],
  },
  checkins: {
    description: 'one daily check-in per person and Asia/Shanghai day',
    indexes: [
      {
        name: 'personId_date',
        fields: [
          ['personId', 1],
          ['date', -1],
        ],
        unique: true,
      },
    ],
  },
  sites: {
    description: 'registration sites as a tree',
    indexes: [
      { name: 'ancestors', fields: [['ancestors', 1]] },
      { name: 'uscc', fields: [['uscc', 1]], sparse: true },
      {
        // org.sites: a site's subtree (itself included), newest first
        name: 'lineage_createdAt',
        fields: [
          ['lineage', 1],
          ['createdAt', -1],
        ],
      },
      {
        // org.sites with parentSiteId: one site's children, newest first
        name: 'parentSiteId_createdAt',
        fields: [
          ['parentSiteId', 1],
          ['createdAt', -1],
        ],
      },
    ],
  },
  positions: {
    description: 'scanner positions as a tree, each held by one person at a time',
    indexes: [
      // the agencies an alert is pushed to (API.md v1.1)
      {
        name: 'regionPrefix_role_status',
        fields: [
          ['regionPrefix', 1],
          ['role', 1],
          ['status', 1],
        ],
        sparse: true,
      },
      { name: 'holderOpenid', fields: [['holder.openid', 1]] },
      { name: 'parentId', fields: [['parentId', 1]] },
      // set on senior positions only: one senior per site (API.md v1.1), two racing creations included
      { name: 'seniorOfSite', fields: [['seniorOfSite', 1]], unique: true, sparse: true },
      {
        name: 'ancestors_createdAt',
        fields: [
          ['ancestors', 1],
          ['createdAt', -1],
        ],
      },
      {
        name: 'status_role_lastActiveAt',
        fields: [
          ['status', 1],
          ['role', 1],
          ['lastActiveAt', 1],
        ],
      },
    ],
  },
  invites: {
    description: 'hashed one-time codes for claiming a position',
    indexes: [{ name: 'codeHash', fields: [['codeHash', 1]], unique: true }],
  },
  scans: {
    description: 'one per registration at a gate; _id is the client scanId',
    indexes: [
      {
        name: 'scopeAncestors_scannedAt',
        fields: [
          ['scopeAncestors', 1],
          ['scannedAt', -1],
        ],
      },
      // records.scans filtered (API.md: color, siteId; from/to and the cursor bound scannedAt): the scope and the
      // filter's fields as the equality prefix, then the date, so a page reads only the keys it returns. One entry
      // per scope ancestor, as above (scopeAncestors is the one array field of each).
      {
        name: 'scopeAncestors_color_scannedAt',
        fields: [
          ['scopeAncestors', 1],
          ['color', 1],
          ['scannedAt', -1],
        ],
      },
      {
        name: 'scopeAncestors_siteId_scannedAt',
        fields: [
          ['scopeAncestors', 1],
          ['site.id', 1],
          ['scannedAt', -1],
        ],
      },
      {
        name: 'scopeAncestors_siteId_color_scannedAt',
        fields: [
          ['scopeAncestors', 1],
          ['site.id', 1],
          ['color', 1],
          ['scannedAt', -1],
        ],
      },
      {
        name: 'personId_scannedAt',
        fields: [
          ['personId', 1],
          ['scannedAt', -1],
        ],
      },
      {
        // scan.record: the scans of a code around the scan's time (a replayed QR, a retried scanId), read in the
        // first stage with the position and the person
        name: 'qrCodeId_scannedAt',
        fields: [
          ['qr.codeId', 1],
          ['scannedAt', -1],
        ],
      },
    ],
  },
  applications: {
    description: 'senior scanner applications and replacements',
    indexes: [
      {
        name: 'status_createdAt',
        fields: [
          ['status', 1],
          ['createdAt', -1],
        ],
      },
      {
        // org.myApplications: the caller's own, newest first
        name: 'applicantOpenid_createdAt',
        fields: [
          ['applicant.openid', 1],
          ['createdAt', -1],
        ],
      },
      {
        // rule 14: a city bureau's applications, by the region prefixes of the unit (multikey)
        name: 'regionPrefixes_createdAt',
        fields: [
          ['regionPrefixes', 1],
          ['createdAt', -1],
        ],
      },
    ],
  },
  alerts: {
    description:
      'non-green, fever, replay, forced-entry and stale-pass alerts: seen by every position above, and by the agencies of their region',
    indexes: [
      {
        name: 'scopeAncestors_at',
        fields: [
          ['scopeAncestors', 1],
          ['at', -1],
        ],
      },
      {
        // API.md v1.1: an agency's alerts, one indexed query on the region prefixes of the alert's site
        name: 'regionPrefixes_at',
        fields: [
          ['regionPrefixes', 1],
          ['at', -1],
        ],
      },
      // records.alerts filtered (v1.1 status, kind): the scope or the region, then the filter's fields, then the
      // date, so a page reads only the keys it returns
      {
        name: 'scopeAncestors_status_at',
        fields: [
          ['scopeAncestors', 1],
          ['status', 1],
          ['at', -1],
        ],
      },
      {
        name: 'scopeAncestors_kind_at',
        fields: [
          ['scopeAncestors', 1],
          ['kind', 1],
          ['at', -1],
        ],
      },
      {
        name: 'scopeAncestors_status_kind_at',
        fields: [
          ['scopeAncestors', 1],
          ['status', 1],
          ['kind', 1],
          ['at', -1],
        ],
      },
      {
        name: 'regionPrefixes_status_at',
        fields: [
          ['regionPrefixes', 1],
          ['status', 1],
          ['at', -1],
        ],
      },
      {
        name: 'regionPrefixes_kind_at',
        fields: [
          ['regionPrefixes', 1],
          ['kind', 1],
          ['at', -1],
        ],
      },
      {
        name: 'regionPrefixes_status_kind_at',
        fields: [
          ['regionPrefixes', 1],
          ['status', 1],
          ['kind', 1],
          ['at', -1],
        ],
      },
    ],
  },
  push_outbox: {
    description: 'rule 15: one row per alert, pushed as subscribe messages to the agencies of its region',
    indexes: [
      {
        name: 'status_nextAttemptAt',
        fields: [
          ['status', 1],
          ['nextAttemptAt', 1],
        ],
      },
    ],
  },
  refusals: {
    description: 'rule 18: someone refused to be scanned or forced their way in; _id is the client scanId',
    indexes: [
      {
        name: 'scopeAncestors_at',
        fields: [
          ['scopeAncestors', 1],
          ['at', -1],
        ],
      },
    ],
  },
  sms_outbox: {
    description: 'every SMS due, dispatched at least once',
    indexes: [
      {
        name: 'status_nextAttemptAt',
        fields: [
          ['status', 1],
          ['nextAttemptAt', 1],
        ],
      },
    ],
  },
  grants: {
    description: 'reveal authorisations given by the initiator',
    indexes: [
      {
        name: 'granteePositionId_expiresAt',
        fields: [
          ['granteePositionId', 1],
          ['expiresAt', -1],
        ],
      },
      // records.grants: every grant, newest first
      { name: 'createdAt', fields: [['createdAt', -1]] },
    ],
  },
  credit_flags: {
    description: 'rule 17: concealment or false reports flagged by the initiator, with evidence',
    indexes: [{ name: 'at', fields: [['at', -1]] }],
  },
  audit: {
    description: 'append-only audit of privileged actions',
    indexes: [{ name: 'at', fields: [['at', -1]] }],
  },
} as const satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof COLLECTIONS;

export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];
