// Validate a guideline pack once, then index it for the hot path: per variant, every procedure's
// rating row (frozen, shared by every evaluation) and the ranked list of candidate studies.
import { AGENT_DATA } from '../doseData'
import {
  AGENTS,
  MODALITIES,
  PROCEDURE_IDS,
  PROVENANCES,
  RATINGS,
  RRL_LEVELS,
  VARIANT_IDS,
  type GuidelineRef,
  type ProcedureId,
  type Rating,
  type RatingRow,
  type RrlLevel,
  type VariantId,
} from '../types'
import type {
  GuidelinePackData,
  IntervalEntry,
  OfferEntry,
  PackProblem,
  ProcedureEntry,
  RrlBand,
  SourceEntry,
  VariantEntry,
} from './types'

export interface LoadedVariant {
  id: VariantId
  title: string
  inclusion: readonly string[]
  source: string
  /** Every procedure of the pack, ranked: rated ones first (best first), then `not-loaded`. */
  ratings: readonly RatingRow[]
  rating: Readonly<Record<ProcedureId, RatingRow>>
  /**
   * Studies the engine may choose, best first: usually appropriate before may be appropriate,
   * then lower relative radiation level (unknown last), then lower typical dose.
   * Never contains a `not-loaded` or usually-not-appropriate procedure.
   */
  candidates: readonly ProcedureId[]
  /** The candidates that may be the routine study (the source's routine offer), best first. */
  routine: readonly ProcedureId[]
  /** The variant's source is the founding article: its advice (pitfalls, wording) applies as is. */
  fromSeed: boolean
  intervals: VariantEntry['intervals']
  stopAfterYears: VariantEntry['stopAfterYears'] | null
  offers: {
    routine: OfferEntry | null
    progression: OfferEntry | null
    indeterminate: OfferEntry | null
    localizedSymptoms: OfferEntry | null
    clinicalSuspicion: OfferEntry | null
  }
}

export interface LoadedPack {
  id: string
  version: string
  title: string
  ref: GuidelineRef
  sources: Readonly<Record<string, SourceEntry>>
  rrlBands: readonly RrlBand[]
  procedures: readonly ProcedureEntry[]
  procedure: Readonly<Record<ProcedureId, ProcedureEntry>>
  variants: Readonly<Record<VariantId, LoadedVariant>>
  data: GuidelinePackData
}

export class PackValidationError extends Error {
  readonly problems: readonly PackProblem[]
  constructor(problems: readonly PackProblem[]) {
    super(
      `Invalid guideline pack (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    )
    this.name = 'PackValidationError'
    this.problems = problems
  }
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0
const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v)

const RATING_RANK: Record<Rating, number> = {
  'usually-appropriate': 0,
  'may-be-appropriate': 1,
  'usually-not-appropriate': 2,
  'not-loaded': 3,
}

/**
 * Every problem of a pack, each with its path; an empty list means the pack is valid.
 *
 * @example validatePack({ ...ACR_PNET_DATA, version: '' }) // [{ path: 'version', message: ... }]
 */
export function validatePack(data: unknown): PackProblem[] {
  const problems: PackProblem[] = []
  const bad = (path: string, message: string): void => {
    problems.push({ path, message })
  }
  if (!isObj(data)) {
    bad('', 'a pack must be an object')
    return problems
  }
  if (!isNonEmptyString(data.id)) bad('id', 'missing pack id')
  if (!isNonEmptyString(data.version)) bad('version', 'missing pack version')
  if (!isNonEmptyString(data.title)) bad('title', 'missing pack title')

  // Sources
  const sourceKinds = new Map<string, string>()
  if (!Array.isArray(data.sources)) bad('sources', 'must be a list')
  else {
    data.sources.forEach((s: unknown, i) => {
      const at = `sources[${i}]`
      if (!isObj(s)) return bad(at, 'must be an object')
      if (!isNonEmptyString(s.key)) return bad(`${at}.key`, 'missing key')
      if (sourceKinds.has(s.key)) bad(`${at}.key`, `duplicate source '${s.key}'`)
      if (!oneOf(['seed', 'seen', 'secondary', 'app-rule', 'inferred', 'computed'], s.kind)) {
        bad(`${at}.kind`, `unknown source kind ${JSON.stringify(s.kind)}`)
      }
      if (!isNonEmptyString(s.title)) bad(`${at}.title`, 'missing title')
      const needsUrl = s.kind === 'seed' || s.kind === 'seen' || s.kind === 'secondary'
      if (needsUrl && !(typeof s.url === 'string' && /^https?:\/\/\S+$/.test(s.url))) {
        bad(`${at}.url`, `source '${s.key}' needs an http(s) address`)
      } else if (s.url !== null && s.url !== undefined && typeof s.url !== 'string') {
        bad(`${at}.url`, 'must be a string or null')
      }
      sourceKinds.set(s.key, typeof s.kind === 'string' ? s.kind : '')
    })
  }
  const checkSource = (path: string, key: unknown): void => {
    if (!isNonEmptyString(key)) bad(path, 'missing source')
    else if (!sourceKinds.has(key)) bad(path, `unknown source '${key}'`)
  }

  // RRL bands
  if (!Array.isArray(data.rrlBands)) bad('rrlBands', 'must be a list')
  else {
    const seen = new Set<string>()
    data.rrlBands.forEach((b: unknown, i) => {
      const at = `rrlBands[${i}]`
      if (!isObj(b)) return bad(at, 'must be an object')
      if (!oneOf(RRL_LEVELS, b.level)) bad(`${at}.level`, `unknown RRL level ${JSON.stringify(b.level)}`)
      else if (seen.has(b.level)) bad(`${at}.level`, `duplicate RRL level '${b.level}'`)
      else seen.add(b.level)
      const min = b.adultMinMsv
      const max = b.adultMaxMsv
      if (typeof min !== 'number' || !Number.isFinite(min) || min < 0)
        bad(`${at}.adultMinMsv`, 'must be a number >= 0')
      if (max !== null && (typeof max !== 'number' || !Number.isFinite(max)))
        bad(`${at}.adultMaxMsv`, 'must be a number or null')
      else if (typeof min === 'number' && typeof max === 'number' && max < min)
        bad(at, `band min ${min} > max ${max}`)
      checkSource(`${at}.source`, b.source)
    })
  }

  // Procedures
  const procedureIds = new Set<string>()
  if (!Array.isArray(data.procedures)) bad('procedures', 'must be a list')
  else {
    data.procedures.forEach((p: unknown, i) => {
      const at = `procedures[${i}]`
      if (!isObj(p)) return bad(at, 'must be an object')
      if (!oneOf(PROCEDURE_IDS, p.id)) return bad(`${at}.id`, `unknown procedure ${JSON.stringify(p.id)}`)
      if (procedureIds.has(p.id)) bad(`${at}.id`, `duplicate procedure '${p.id}'`)
      procedureIds.add(p.id)
      if (!isNonEmptyString(p.acrName)) bad(`${at}.acrName`, 'missing ACR name')
      if (!isNonEmptyString(p.label)) bad(`${at}.label`, 'missing label')
      if (!oneOf(MODALITIES, p.modality))
        bad(`${at}.modality`, `unknown modality ${JSON.stringify(p.modality)}`)
      if (!(p.contrast === null || p.contrast === 'iodinated' || p.contrast === 'gadolinium')) {
        bad(`${at}.contrast`, `unknown contrast ${JSON.stringify(p.contrast)}`)
      }
      if (p.rrl !== null) {
        if (!oneOf(RRL_LEVELS, p.rrl)) bad(`${at}.rrl`, `unknown RRL level ${JSON.stringify(p.rrl)}`)
        checkSource(`${at}.rrlSource`, p.rrlSource)
      }
      const t = p.typical
      if (!isObj(t)) bad(`${at}.typical`, 'missing typical dose')
      else {
        if (t.kind === 'fixed') {
          if (typeof t.msv !== 'number' || !Number.isFinite(t.msv) || t.msv < 0) {
            bad(`${at}.typical.msv`, 'must be a number >= 0')
          }
        } else if (t.kind === 'radiopharmaceutical') {
          if (!oneOf(AGENTS, t.agent)) bad(`${at}.typical.agent`, `unknown agent ${JSON.stringify(t.agent)}`)
        } else bad(`${at}.typical.kind`, `unknown typical dose kind ${JSON.stringify(t.kind)}`)
        checkSource(`${at}.typical.source`, t.source)
      }
    })
    for (const id of PROCEDURE_IDS)
      if (!procedureIds.has(id)) bad('procedures', `procedure '${id}' is missing`)
  }

  // Variants
  const variantIds = new Set<string>()
  if (!Array.isArray(data.variants)) bad('variants', 'must be a list')
  else {
    data.variants.forEach((v: unknown, i) => {
      const at = `variants[${i}]`
      if (!isObj(v)) return bad(at, 'must be an object')
      if (!oneOf(VARIANT_IDS, v.id)) return bad(`${at}.id`, `unknown variant ${JSON.stringify(v.id)}`)
      if (variantIds.has(v.id)) bad(`${at}.id`, `duplicate variant '${v.id}'`)
      variantIds.add(v.id)
      if (!isNonEmptyString(v.title)) bad(`${at}.title`, 'missing title')
      if (!Array.isArray(v.inclusion) || v.inclusion.length === 0 || !v.inclusion.every(isNonEmptyString)) {
        bad(`${at}.inclusion`, 'must list the inclusion facts in words')
      }
      checkSource(`${at}.source`, v.source)

      const rated = new Map<string, string>()
      if (!Array.isArray(v.cells)) bad(`${at}.cells`, 'must be a list')
      else {
        v.cells.forEach((c: unknown, j) => {
          const cat = `${at}.cells[${j}]`
          if (!isObj(c)) return bad(cat, 'must be an object')
          if (!oneOf(PROCEDURE_IDS, c.procedure)) {
            return bad(`${cat}.procedure`, `unknown procedure ${JSON.stringify(c.procedure)}`)
          }
          if (!procedureIds.has(c.procedure))
            bad(`${cat}.procedure`, `procedure '${c.procedure}' is not declared`)
          if (rated.has(c.procedure)) bad(`${cat}.procedure`, `duplicate cell for '${c.procedure}'`)
          if (!oneOf(RATINGS, c.rating))
            return bad(`${cat}.rating`, `unknown rating ${JSON.stringify(c.rating)}`)
          rated.set(c.procedure, c.rating)
          if (!oneOf(PROVENANCES, c.provenance)) {
            return bad(`${cat}.provenance`, `unknown provenance ${JSON.stringify(c.provenance)}`)
          }
          if ((c.rating === 'not-loaded') !== (c.provenance === 'not-loaded')) {
            return bad(cat, 'a not-loaded rating must have not-loaded provenance, and only it')
          }
          if (c.provenance === 'not-loaded') {
            if (c.source !== null && c.source !== undefined)
              bad(`${cat}.source`, 'a not-loaded cell has no source')
            return
          }
          checkSource(`${cat}.source`, c.source)
          const kind = typeof c.source === 'string' ? sourceKinds.get(c.source) : undefined
          if (kind !== undefined && kind !== c.provenance) {
            bad(
              `${cat}.source`,
              `provenance '${c.provenance}' needs a '${c.provenance}' source, not a '${kind}' one`,
            )
          }
        })
      }

      const checkInterval = (path: string, iv: unknown, required: boolean): void => {
        if (iv === null || iv === undefined) {
          if (required) bad(path, 'missing interval')
          return
        }
        if (!isObj(iv)) return bad(path, 'must be an object')
        const { min, max } = iv
        if (typeof min !== 'number' || !Number.isInteger(min) || min < 0)
          bad(`${path}.min`, 'must be a whole number >= 0')
        if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
          bad(`${path}.max`, 'must be a whole number >= 0')
        if (typeof min === 'number' && typeof max === 'number' && min > max)
          bad(path, `interval min ${min} > max ${max}`)
        checkSource(`${path}.source`, iv.source)
      }
      if (!isObj(v.intervals)) bad(`${at}.intervals`, 'missing intervals')
      else {
        checkInterval(`${at}.intervals.routine`, v.intervals.routine, false)
        checkInterval(`${at}.intervals.short`, v.intervals.short, false)
        checkInterval(`${at}.intervals.baseline`, v.intervals.baseline, true)
        checkInterval(`${at}.intervals.afterResection`, v.intervals.afterResection, false)
      }
      if (v.stopAfterYears !== undefined) {
        const s = v.stopAfterYears
        if (!isObj(s) || typeof s.years !== 'number' || !Number.isInteger(s.years) || s.years <= 0) {
          bad(`${at}.stopAfterYears`, 'must be a whole number of years > 0')
        } else checkSource(`${at}.stopAfterYears.source`, s.source)
      }
      if (v.offers !== undefined) {
        if (!isObj(v.offers)) bad(`${at}.offers`, 'must be an object')
        else {
          for (const [name, offer] of Object.entries(v.offers)) {
            const oat = `${at}.offers.${name}`
            if (
              !['routine', 'progression', 'indeterminate', 'localizedSymptoms', 'clinicalSuspicion'].includes(
                name,
              )
            ) {
              bad(oat, `unknown offer '${name}'`)
              continue
            }
            if (!isObj(offer) || !Array.isArray(offer.procedures)) {
              bad(oat, 'must list procedures')
              continue
            }
            offer.procedures.forEach((p: unknown, k) => {
              const r = typeof p === 'string' ? rated.get(p) : undefined
              if (r !== 'usually-appropriate' && r !== 'may-be-appropriate') {
                bad(
                  `${oat}.procedures[${k}]`,
                  `offers ${JSON.stringify(p)}, which has no appropriate rating here`,
                )
              }
            })
            checkSource(`${oat}.source`, offer.source)
          }
        }
      }
    })
    for (const id of VARIANT_IDS) if (!variantIds.has(id)) bad('variants', `variant '${id}' is missing`)
  }
  return problems
}

/** Typical dose used only to rank otherwise equal candidates. */
function rankingDose(p: ProcedureEntry): number {
  const t = p.typical
  if (t.kind === 'fixed') return t.msv
  const a = AGENT_DATA[t.agent]
  const act = a.defaultActivity
  const mbq = act.kind === 'fixed' ? act.mbq : act.withoutWeightMbq
  return a.coefficientMsvPerMbq === null ? Number.POSITIVE_INFINITY : a.coefficientMsvPerMbq * mbq
}

function rrlRank(level: RrlLevel | null): number {
  return level === null ? RRL_LEVELS.length : RRL_LEVELS.indexOf(level)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * Validate a pack and index it. Throws a `PackValidationError` listing every problem.
 *
 * @example const pack = loadPack(ACR_PNET_DATA); pack.variants['untreated-surveillance'].candidates
 * // ['mri-abdomen-pelvis-without-and-with-iv-contrast']
 */
export function loadPack(data: unknown): LoadedPack {
  const problems = validatePack(data)
  if (problems.length > 0) throw new PackValidationError(problems)
  // Index a private copy, so freezing the loaded pack never freezes the caller's objects.
  const pack = JSON.parse(JSON.stringify(data)) as GuidelinePackData

  const procedure = {} as Record<ProcedureId, ProcedureEntry>
  for (const p of pack.procedures) procedure[p.id] = p
  const procedures = PROCEDURE_IDS.map((id) => procedure[id])
  const sources: Record<string, SourceEntry> = {}
  for (const s of pack.sources) sources[s.key] = s

  const variants = {} as Record<VariantId, LoadedVariant>
  for (const v of pack.variants) {
    const rating = {} as Record<ProcedureId, RatingRow>
    for (const p of procedures) {
      const cell = v.cells.find((c) => c.procedure === p.id)
      rating[p.id] =
        cell && cell.rating !== 'not-loaded'
          ? {
              procedure: p.id,
              rating: cell.rating,
              rrl: p.rrl,
              provenance: cell.provenance,
              source: cell.source,
            }
          : { procedure: p.id, rating: 'not-loaded', rrl: p.rrl, provenance: 'not-loaded', source: null }
    }
    const ranked = procedures
      .map((p, ordinal) => ({ p, ordinal, row: rating[p.id] }))
      .sort(
        (a, b) =>
          RATING_RANK[a.row.rating] - RATING_RANK[b.row.rating] ||
          rrlRank(a.p.rrl) - rrlRank(b.p.rrl) ||
          rankingDose(a.p) - rankingDose(b.p) ||
          a.ordinal - b.ordinal,
      )
    const ratings = ranked.map((r) => r.row)
    const candidates = ranked
      .filter((r) => r.row.rating === 'usually-appropriate' || r.row.rating === 'may-be-appropriate')
      .map((r) => r.p.id)
    const routineOffer = v.offers?.routine?.procedures
    variants[v.id] = {
      id: v.id,
      title: v.title,
      inclusion: v.inclusion,
      source: v.source,
      ratings,
      rating,
      candidates,
      routine: routineOffer ? candidates.filter((p) => routineOffer.includes(p)) : candidates,
      fromSeed: sources[v.source]?.kind === 'seed',
      intervals: v.intervals,
      stopAfterYears: v.stopAfterYears ?? null,
      offers: {
        routine: v.offers?.routine ?? null,
        progression: v.offers?.progression ?? null,
        indeterminate: v.offers?.indeterminate ?? null,
        localizedSymptoms: v.offers?.localizedSymptoms ?? null,
        clinicalSuspicion: v.offers?.clinicalSuspicion ?? null,
      },
    }
  }

  return deepFreeze({
    id: pack.id,
    version: pack.version,
    title: pack.title,
    ref: { id: pack.id, version: pack.version },
    sources,
    rrlBands: pack.rrlBands,
    procedures,
    procedure,
    variants,
    data: pack,
  })
}

export type { IntervalEntry }
