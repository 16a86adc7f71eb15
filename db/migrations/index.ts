import type { Migration } from './types'
import { migration0010 } from './0010-domain'
import { migration0020 } from './0020-item-kind'
import { migration0030 } from './0030-demo-patients'
import { migration0040 } from './0040-lifecycle'
import { migration0060 } from './0060-biomarkers-notes'
import { migration0065 } from './0065-record-version'
import { migration0068 } from './0068-derived-result'
import { migration0070 } from './0070-guideline-packs'
import { migration0080 } from './0080-interop'
import { migration0090 } from './0090-packed-json'
import { migration0095 } from './0095-worklist-keyset'
import { migration0100 } from './0100-users'
import { migration0105 } from './0105-audit-reading'
import { migration0110 } from './0110-delta-storage'
import { migration0115 } from './0115-prefix-search'
import { migration0120 } from './0120-audit-hash-bytes'
import { migration0125 } from './0125-worklist-counts'
import { migration0130 } from './0130-prefix-short'
import { migration0145 } from './0145-undo-kept-on-change'
import { migration0150 } from './0150-superseded-at-derived'
import { migration0155 } from './0155-audit-actor-runs'
import { migration0175 } from './0175-study-by-date'

/** Every migration in order. Never edit one that has shipped; append a new one. */
export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0060,
  migration0065,
  migration0068,
  migration0070,
  migration0080,
  migration0090,
  migration0095,
  migration0100,
  migration0105,
  migration0110,
  migration0115,
  migration0120,
  migration0125,
  migration0130,
  migration0145,
  migration0150,
  migration0155,
  migration0175,
]

for (let i = 1; i < MIGRATIONS.length; i++) {
  const prev = MIGRATIONS[i - 1]!
  const cur = MIGRATIONS[i]!
  if (cur.version <= prev.version) {
    throw new Error(`Migration ${cur.name} (${cur.version}) is not after ${prev.name} (${prev.version})`)
  }
}

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0
