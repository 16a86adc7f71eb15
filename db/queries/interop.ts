import { DbError } from '../errors'
import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type {
  PacsEndpointInput,
  PacsEndpointRecord,
  ProcedureMappingInput,
  ProcedureMappingRecord,
} from '../types'

// PACS endpoints and procedure mappings (schema 80, docs/interop.md).

interface EndpointRow {
  id: number
  name: string
  base_url: string
  auth: PacsEndpointRecord['auth']
  username: string | null
  secret: string | null
  timeout_ms: number
  created_at: string
  updated_at: string
}

/** An endpoint as the UI sees it: never its secret. */
function toEndpoint(r: EndpointRow): PacsEndpointRecord {
  return {
    id: r.id,
    name: r.name,
    baseUrl: r.base_url,
    auth: r.auth,
    username: r.username,
    hasSecret: r.secret !== null,
    timeoutMs: r.timeout_ms,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function listEndpoints(db: ReadableDb): PacsEndpointRecord[] {
  return (cached(db, 'SELECT * FROM pacs_endpoint ORDER BY name, id').all() as EndpointRow[]).map(toEndpoint)
}

export function requireEndpoint(db: ReadableDb, id: number): PacsEndpointRecord {
  const row = cached(db, 'SELECT * FROM pacs_endpoint WHERE id = ?').get(id) as EndpointRow | undefined
  if (!row) throw new DbError('NOT_FOUND', `No PACS with id ${id}.`)
  return toEndpoint(row)
}

/** The endpoint with its secret, for the DICOMweb client only. */
export function endpointWithSecret(
  db: ReadableDb,
  id: number,
): PacsEndpointRecord & { secret: string | null } {
  const row = cached(db, 'SELECT * FROM pacs_endpoint WHERE id = ?').get(id) as EndpointRow | undefined
  if (!row) throw new DbError('NOT_FOUND', `No PACS with id ${id}.`)
  return { ...toEndpoint(row), secret: row.secret }
}

/** Inserts or replaces an endpoint; `secret: undefined` keeps the stored one. Returns the id. */
export function saveEndpoint(db: WritableDb, id: number | null, e: PacsEndpointInput, at: string): number {
  const current =
    id === null
      ? null
      : (cached(db, 'SELECT secret FROM pacs_endpoint WHERE id = ?').get(id) as
          { secret: string | null } | undefined)
  if (id !== null && !current) throw new DbError('NOT_FOUND', `No PACS with id ${id}.`)
  const secret = e.auth === 'none' ? null : e.secret === undefined ? (current?.secret ?? null) : e.secret
  const params = {
    name: e.name,
    baseUrl: e.baseUrl,
    auth: e.auth,
    username: e.auth === 'basic' ? e.username : null,
    secret,
    timeoutMs: e.timeoutMs,
    at,
  }
  if (id === null) {
    return Number(
      cached(
        db,
        `INSERT INTO pacs_endpoint (name, base_url, auth, username, secret, timeout_ms, created_at, updated_at)
         VALUES (@name, @baseUrl, @auth, @username, @secret, @timeoutMs, @at, @at)`,
      ).run(params).lastInsertRowid,
    )
  }
  cached(
    db,
    `UPDATE pacs_endpoint SET name = @name, base_url = @baseUrl, auth = @auth, username = @username,
       secret = @secret, timeout_ms = @timeoutMs, updated_at = @at WHERE id = @id`,
  ).run({ ...params, id })
  return id
}

export function deleteEndpoint(db: WritableDb, id: number): void {
  cached(db, 'DELETE FROM pacs_endpoint WHERE id = ?').run(id)
}

interface MappingRow {
  id: number
  modality: string
  keywords: string
  body_part: string
  procedure: ProcedureMappingRecord['procedure']
  created_at: string
}

const toMapping = (r: MappingRow): ProcedureMappingRecord => ({
  id: r.id,
  modality: r.modality,
  keywords: r.keywords,
  bodyPart: r.body_part,
  procedure: r.procedure,
  createdAt: r.created_at,
})

export function listMappings(db: ReadableDb): ProcedureMappingRecord[] {
  return (
    cached(db, 'SELECT * FROM procedure_mapping ORDER BY modality, keywords, body_part').all() as MappingRow[]
  ).map(toMapping)
}

export function requireMapping(db: ReadableDb, id: number): ProcedureMappingRecord {
  const row = cached(db, 'SELECT * FROM procedure_mapping WHERE id = ?').get(id) as MappingRow | undefined
  if (!row) throw new DbError('NOT_FOUND', `No procedure mapping with id ${id}.`)
  return toMapping(row)
}

/** Inserts or replaces a mapping; the same modality, keywords and body part is one rule. */
export function saveMapping(db: WritableDb, id: number | null, m: ProcedureMappingInput, at: string): number {
  const same = cached(
    db,
    'SELECT id FROM procedure_mapping WHERE modality = @modality AND keywords = @keywords AND body_part = @bodyPart',
  )
    .pluck()
    .get(m) as number | undefined
  if (same !== undefined && same !== id) {
    cached(db, 'UPDATE procedure_mapping SET procedure = @procedure WHERE id = @id').run({ ...m, id: same })
    if (id !== null) cached(db, 'DELETE FROM procedure_mapping WHERE id = ?').run(id)
    return same
  }
  if (id === null) {
    return Number(
      cached(
        db,
        `INSERT INTO procedure_mapping (modality, keywords, body_part, procedure, created_at)
         VALUES (@modality, @keywords, @bodyPart, @procedure, @at)`,
      ).run({ ...m, at }).lastInsertRowid,
    )
  }
  cached(
    db,
    `UPDATE procedure_mapping SET modality = @modality, keywords = @keywords, body_part = @bodyPart,
       procedure = @procedure WHERE id = @id`,
  ).run({ ...m, id })
  return id
}

export function deleteMapping(db: WritableDb, id: number): void {
  cached(db, 'DELETE FROM procedure_mapping WHERE id = ?').run(id)
}
