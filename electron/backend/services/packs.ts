import { createHash } from 'node:crypto'
import { toCase } from '../../../db/case'
import { DbError } from '../../../db/errors'
import {
  activatePack,
  activePackRow,
  deactivatePack,
  casesFromOtherPacks,
  findPack,
  insertPack,
  listPacks,
  openCaseIds,
  packDocument,
  requirePack,
} from '../../../db/queries/packs'
import { requirePatient } from '../../../db/queries/patients'
import { listStudies } from '../../../db/queries/studies'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import type { GuidelinePackRecord } from '../../../db/types'
import { ACR_PNET, ACR_PNET_DATA, comparePlans, evaluate, loadPack, parsePack } from '../../../engine'
import type { LoadedPack } from '../../../engine'
import type { PackAdoption, PackComparison, PackListing, PackRow } from '../../contract/contract'
import { invalid } from '../../contract/dispatch'
import { auditedChange, auditedInsert } from './audited'
import { refreshDoseSummaries } from './dose'
import { getSettings } from './settings'
import { reevaluateInTx, type FollowUpContext } from './followup'

// Guideline packs in the log: import (checked, stored inactive), compare (a dry run over every open
// case), adopt and revert (one write transaction: the active pack changes, every open case gets a
// new recommendation with the trigger `guideline-pack-changed`, its open step is reconciled by the
// follow-up lifecycle, all audited). The engine never reads the database: the active pack is loaded
// here and passed in (FollowUpContext.pack).

/**
 * Loaded packs per open log, by the SHA-256 of their stored text: a stored document is checked
 * against its checksum and indexed once per log opened.
 */
const loadedByLog = new WeakMap<ReadableDb, Map<string, LoadedPack>>()

/** The built-in pack's text as the log stores it (compact JSON), and its checksum. */
const BUILT_IN_TEXT = JSON.stringify(ACR_PNET_DATA)
const BUILT_IN_SHA = sha256(BUILT_IN_TEXT)

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

function loadStored(db: ReadableDb, row: GuidelinePackRecord): LoadedPack {
  if (row.sha256 === BUILT_IN_SHA && row.builtIn) return ACR_PNET
  let loaded = loadedByLog.get(db)
  if (loaded === undefined) {
    loaded = new Map()
    loadedByLog.set(db, loaded)
  }
  let pack = loaded.get(row.sha256)
  if (!pack) {
    const text = packDocument(db, row.id)
    if (sha256(text) !== row.sha256) {
      throw new DbError(
        'DB_CORRUPT',
        `Guideline pack ${row.packId} ${row.version} no longer matches its checksum: it was changed outside the app.`,
      )
    }
    pack = loadPack(JSON.parse(text))
    loaded.set(row.sha256, pack)
  }
  return pack
}

/** The pack the log uses: the active stored one, else the pack shipped with the app. */
export function activePack(db: ReadableDb): LoadedPack {
  const row = activePackRow(db)
  return row ? loadStored(db, row) : ACR_PNET
}

/** A pack chosen by its row in the log, or (`null`) the pack shipped with the app. */
function packFor(db: ReadableDb, id: number | null): { pack: LoadedPack; row: GuidelinePackRecord | null } {
  if (id === null) {
    const row = findPack(db, ACR_PNET.id, ACR_PNET.version)
    return { pack: ACR_PNET, row }
  }
  const row = requirePack(db, id)
  return { pack: loadStored(db, row), row }
}

const BUILT_IN_BY = 'pNET Follow-up (shipped with the app)'

function auditedPackInsert(
  tx: WritableDb,
  ctx: FollowUpContext,
  p: { packId: string; version: string; title: string; sha256: string; document: string; builtIn: boolean },
  action: string,
): GuidelinePackRecord {
  return auditedInsert(tx, ctx.actor, {
    entity: 'guideline_pack',
    action,
    insert: () =>
      insertPack(tx, {
        ...p,
        at: ctx.actor.now().toISOString(),
        by: p.builtIn ? BUILT_IN_BY : ctx.actor.user,
      }),
  })
}

/** The built-in pack's row, stored the first time the log needs it (to adopt it or go back to it). */
function builtInRow(tx: WritableDb, ctx: FollowUpContext): GuidelinePackRecord {
  return (
    findPack(tx, ACR_PNET.id, ACR_PNET.version) ??
    auditedPackInsert(
      tx,
      ctx,
      {
        packId: ACR_PNET.id,
        version: ACR_PNET.version,
        title: ACR_PNET.title,
        sha256: BUILT_IN_SHA,
        document: BUILT_IN_TEXT,
        builtIn: true,
      },
      'pack.register-built-in',
    )
  )
}

/** Every pack in the log (and the built-in one when the log has not stored it), which is active, and the stale cases. */
export function packListing(db: ReadableDb): PackListing {
  const rows: PackRow[] = listPacks(db)
  const active = activePackRow(db)
  if (!rows.some((r) => r.packId === ACR_PNET.id && r.version === ACR_PNET.version)) {
    rows.push({
      id: null,
      packId: ACR_PNET.id,
      version: ACR_PNET.version,
      title: ACR_PNET.title,
      sha256: BUILT_IN_SHA,
      builtIn: true,
      importedAt: null,
      importedBy: BUILT_IN_BY,
      active: active === null,
      activatedAt: null,
      activatedBy: null,
      previousId: null,
    })
  }
  const pack = activePack(db)
  const chosen = getSettings(db).siteRules
  return {
    packs: rows,
    active: pack.ref,
    siteRules: pack.siteRules.map((r) => {
      const src = pack.sources[r.source]
      return {
        id: r.id,
        title: r.title,
        enabledInPack: r.enabled,
        on: chosen[r.id] ?? r.enabled,
        source: { key: r.source, title: src?.title ?? r.source, url: src?.url ?? null },
      }
    }),
    stale: casesFromOtherPacks(db, pack.id, pack.version),
  }
}

/** Largest pack document accepted (the built-in one is about 60 kB). */
export const MAX_PACK_CHARS = 900_000

/**
 * Imports a pack document: checked in full (every problem with its path), refused when the log
 * already holds that id and version, stored inactive, audited. Nothing is evaluated.
 */
export function importPack(ctx: FollowUpContext, text: string): GuidelinePackRecord {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw invalid(`The file is not valid JSON: ${(e as Error).message}`, { text: 'Not valid JSON.' })
  }
  const parsed = parsePack(json)
  if (!parsed.ok) {
    const fields: Record<string, string> = {}
    for (const p of parsed.problems) fields[p.path === '' ? '(pack)' : p.path] ??= p.message
    const first = parsed.problems[0]!
    throw invalid(
      `Not a valid guideline pack (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}); first: ${first.path || '(pack)'}: ${first.message}`,
      fields,
    )
  }
  const doc = parsed.pack
  const sum = sha256(text)
  return writeTx(ctx.db, (tx) => {
    const same = findPack(tx, doc.id, doc.version)
    if (same || (doc.id === ACR_PNET.id && doc.version === ACR_PNET.version)) {
      const identical = same ? same.sha256 === sum : sum === BUILT_IN_SHA
      throw new DbError(
        'CONFLICT',
        identical
          ? `Pack ${doc.id} ${doc.version} is already in the log.`
          : `The log already holds a different pack ${doc.id} ${doc.version}; give the revision a new version.`,
      )
    }
    return auditedPackInsert(
      tx,
      ctx,
      { packId: doc.id, version: doc.version, title: doc.title, sha256: sum, document: text, builtIn: false },
      'pack.import',
    )
  })
}

/**
 * A dry run: every open case evaluated today under the pack in use and under the candidate, and
 * each one whose action, study, window or alerts would change listed with before, after and why.
 * Nothing is written.
 */
export function comparePack(ctx: FollowUpContext, id: number | null): PackComparison {
  const db = ctx.db
  const current = activePack(db)
  const { pack: candidate } = packFor(db, id)
  const asOf = ctx.today()
  const settings = ctx.engineSettings()
  const ids = openCaseIds(db)
  const changed: PackComparison['changed'] = []
  for (const patientId of ids) {
    const patient = requirePatient(db, patientId)
    const c = toCase(patient, listStudies(db, patientId))
    const change = comparePlans(evaluate(c, asOf, current, settings), evaluate(c, asOf, candidate, settings))
    if (change) changed.push({ patientId, name: patient.name, mrn: patient.mrn, ...change })
  }
  return { from: current.ref, to: candidate.ref, asOf, openCases: ids.length, changed }
}

/**
 * Makes a pack the active one and re-evaluates every open case under it, in one transaction:
 * each gets a new recommendation (trigger `guideline-pack-changed`) that supersedes its current
 * one, its open step is reconciled by the lifecycle (an override stays), the dose summaries follow
 * the pack's coefficients, and the change is audited with the pack before and after.
 */
export function adoptPack(
  ctx: FollowUpContext,
  id: number | null,
  how: 'adopt' | 'revert' = 'adopt',
): PackAdoption {
  return writeTx(ctx.db, (tx) => {
    const before = activePackRow(tx)
    const target = id === null ? builtInRow(tx, ctx) : requirePack(tx, id)
    if (
      target.active ||
      (before === null &&
        target.builtIn &&
        target.packId === ACR_PNET.id &&
        target.version === ACR_PNET.version)
    ) {
      throw new DbError('CONFLICT', `Pack ${target.packId} ${target.version} is already the one in use.`)
    }
    // The pack in use before (stored now if it was the built-in one) is what a revert goes back to.
    const previous = before ?? builtInRow(tx, ctx)
    if (previous.active) {
      auditedChange(tx, ctx.actor, {
        entity: 'guideline_pack',
        id: previous.id,
        action: 'pack.deactivate',
        change: () => deactivatePack(tx, previous.id),
      })
    }
    auditedChange(tx, ctx.actor, {
      entity: 'guideline_pack',
      id: target.id,
      action: `pack.${how}`,
      change: () =>
        activatePack(tx, target.id, {
          at: ctx.actor.now().toISOString(),
          by: ctx.actor.user,
          ...(how === 'revert' ? {} : { previousId: previous.id }),
        }),
    })
    const pack = loadStored(tx, requirePack(tx, target.id))
    const after = requirePack(tx, target.id)
    const inPack: FollowUpContext = { ...ctx, pack: () => pack }
    const ids = openCaseIds(tx)
    let moved = 0
    for (const patientId of ids) {
      const r = reevaluateInTx(inPack, tx, patientId, 'guideline-pack-changed')
      if (r.outcome.type !== 'keep' && r.outcome.type !== 'none') moved++
    }
    refreshDoseSummaries(tx, ctx.engineSettings(), pack)
    return {
      pack: after,
      previous: requirePack(tx, previous.id),
      reevaluated: ids.length,
      stepsChanged: moved,
    }
  })
}

/**
 * A site rule was turned on or off: every open case is re-evaluated under the pack in use (in the
 * settings change's transaction), so the rule's alert appears or goes. The study and window never
 * change (site rules add alerts only); the new recommendations carry `guideline-pack-changed`.
 */
export function reevaluateOpenCases(ctx: FollowUpContext, tx: WritableDb): number {
  const ids = openCaseIds(tx)
  for (const patientId of ids) reevaluateInTx(ctx, tx, patientId, 'guideline-pack-changed')
  return ids.length
}

/** Goes back to the pack that was active before the current one, the same way as adopting it. */
export function revertPack(ctx: FollowUpContext): PackAdoption {
  const current = activePackRow(ctx.db)
  if (current === null || current.previousId === null) {
    throw new DbError(
      'CONFLICT',
      'There is no earlier pack to go back to: the log uses the pack it started with.',
    )
  }
  return adoptPack(ctx, current.previousId, 'revert')
}
