// Load a guideline pack document once: check it (./packSchema.ts), then index it for the hot path
// — per variant every procedure's rating row and the ranked candidates, the dose data by key, and
// every text compiled (fixed rationale steps and alerts frozen and shared by every evaluation,
// the others split at their placeholders once).
import {
  PROCEDURE_IDS,
  RRL_LEVELS,
  type Agent,
  type Alert,
  type AlertCode,
  type GuidelineRef,
  type ProcedureId,
  type Rating,
  type RatingRow,
  type RationaleStep,
  type RrlLevel,
  type VariantId,
} from '../types'
import {
  parsePack,
  type AgentData,
  type OfferEntry,
  type PackDocument,
  type PackProblem,
  type ProcedureEntry,
  type RrlBand,
  type SiteRuleEntry,
  type SourceEntry,
  type VariantEntry,
} from './packSchema'
import {
  ALERT_VARIANT_SPEC,
  RATIONALE_SPEC,
  compile,
  fillNamed,
  type AlertVariantName,
  type FixedStepName,
  type SaidStepName,
  type StepParams,
  type AlertParams,
  type WordGroup,
  type Words,
} from './texts'

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
  agents: Readonly<Record<Agent, AgentData>>
  kFactors: PackDocument['kFactors']
  siteRules: readonly SiteRuleEntry[]
  /** The rationale steps with nothing to fill in, ready to use (frozen, shared). */
  steps: Readonly<Record<FixedStepName, RationaleStep>>
  /**
   * The rationale steps with the case's words to fill in, by name; `source` for the steps that
   * cite their data's (a rating's, an interval's, an offer's).
   */
  say: { readonly [K in SaidStepName]: (params: StepParams<K>, source?: string) => RationaleStep }
  /** Each alert with its usual words (frozen, shared). */
  alerts: Readonly<Record<AlertCode, Alert>>
  /** The alerts with words for this case, by name. */
  alertSay: { readonly [K in AlertVariantName]: (params: AlertParams<K>) => Alert }
  /** Each alert code's usual words. */
  alertWords: Readonly<Record<AlertCode, string>>
  words: Words
  /** A word that holds a placeholder (`relations.alternative`, `purposes.place`, `lesions.one`...). */
  phrase(group: WordGroup, key: string, params: Readonly<Record<string, string | number>>): string
  /** The document as loaded (a private, frozen copy). */
  data: PackDocument
}

export class PackValidationError extends Error {
  readonly problems: readonly PackProblem[]
  constructor(problems: readonly PackProblem[]) {
    super(
      `Invalid guideline pack (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.path || '(pack)'}: ${p.message}`).join('\n'),
    )
    this.name = 'PackValidationError'
    this.problems = problems
  }
}

/** Position of each procedure in PROCEDURE_IDS (the pack lists them in any order). */
const ORDER = Object.fromEntries(PROCEDURE_IDS.map((id, i) => [id, i])) as Record<ProcedureId, number>

const RATING_RANK: Record<Rating, number> = {
  'usually-appropriate': 0,
  'may-be-appropriate': 1,
  'usually-not-appropriate': 2,
  'not-loaded': 3,
}

/**
 * Every problem of a pack document, each with its path; an empty list means it is valid.
 *
 * @example validatePack({ ...doc, version: '' }) // [{ path: 'version', message: ... }]
 */
export function validatePack(data: unknown): PackProblem[] {
  const r = parsePack(data)
  return r.ok ? [] : r.problems
}

/** Typical dose used only to rank otherwise equal candidates. */
function rankingDose(p: ProcedureEntry, agents: Readonly<Record<Agent, AgentData>>): number {
  const t = p.typical
  if (t.kind === 'fixed') return t.msv
  const a = agents[t.agent]
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

function indexVariant(
  v: VariantEntry,
  procedures: readonly ProcedureEntry[],
  sources: Readonly<Record<string, SourceEntry>>,
  agents: Readonly<Record<Agent, AgentData>>,
): LoadedVariant {
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
        rankingDose(a.p, agents) - rankingDose(b.p, agents) ||
        a.ordinal - b.ordinal,
    )
  const candidates = ranked
    .filter((r) => r.row.rating === 'usually-appropriate' || r.row.rating === 'may-be-appropriate')
    .map((r) => r.p.id)
  const routineOffer = v.offers?.routine?.procedures
  return {
    id: v.id,
    title: v.title,
    inclusion: v.inclusion,
    source: v.source,
    ratings: ranked.map((r) => r.row),
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

/**
 * Check a pack document and index it. Throws a `PackValidationError` listing every problem.
 *
 * @example const pack = loadPack(JSON.parse(text)); pack.variants['untreated-surveillance'].candidates
 * // ['mri-abdomen-pelvis-without-and-with-iv-contrast']
 */
export function loadPack(data: unknown): LoadedPack {
  const parsed = parsePack(data)
  if (!parsed.ok) throw new PackValidationError(parsed.problems)
  // Index a private copy, so freezing the loaded pack never freezes the caller's objects.
  const doc = JSON.parse(JSON.stringify(parsed.pack)) as PackDocument

  const procedure = {} as Record<ProcedureId, ProcedureEntry>
  for (const p of doc.procedures) procedure[p.id] = p
  const procedures = doc.procedures.slice().sort((a, b) => ORDER[a.id] - ORDER[b.id])
  const sources: Record<string, SourceEntry> = {}
  for (const s of doc.sources) sources[s.key] = s
  const variants = {} as Record<VariantId, LoadedVariant>
  for (const v of doc.variants) variants[v.id] = indexVariant(v, procedures, sources, doc.agents)

  // Texts: fixed steps frozen once; the others compiled at their placeholders.
  const steps = {} as Record<FixedStepName, RationaleStep>
  const say = {} as Record<string, (values: readonly (string | number)[], source?: string) => RationaleStep>
  for (const [name, spec] of Object.entries(RATIONALE_SPEC)) {
    const entry = doc.rationale[name as keyof typeof RATIONALE_SPEC] as { text: string; source?: string }
    if (spec.params.length === 0 && spec.source === 'pack') {
      steps[name as FixedStepName] = Object.freeze({
        text: entry.text,
        source: entry.source as string,
        rule: spec.rule,
      })
      continue
    }
    const fill = compile(entry.text, spec.params)
    const rule = spec.rule
    const fallback = entry.source ?? 'app-rule'
    say[name] = (params, source) => ({ text: fill(params), source: source ?? fallback, rule })
  }
  const shared = {} as Record<AlertCode, Alert>
  for (const [code, words] of Object.entries(doc.alerts)) {
    shared[code as AlertCode] = Object.freeze({ code: code as AlertCode, text: words })
  }
  const alertSay = {} as Record<string, (values: readonly (string | number)[]) => Alert>
  for (const [name, spec] of Object.entries(ALERT_VARIANT_SPEC)) {
    const fill = compile(doc.alertVariants[name as AlertVariantName], spec.params)
    const code: AlertCode = spec.code
    alertSay[name] = (params) => ({ code, text: fill(params) })
  }

  const pack: LoadedPack = {
    id: doc.id,
    version: doc.version,
    title: doc.title,
    ref: { id: doc.id, version: doc.version },
    sources,
    rrlBands: doc.rrlBands,
    procedures,
    procedure,
    variants,
    agents: doc.agents,
    kFactors: doc.kFactors,
    siteRules: doc.siteRules,
    steps,
    say: say as unknown as LoadedPack['say'],
    alerts: shared,
    alertSay: alertSay as unknown as LoadedPack['alertSay'],
    alertWords: doc.alerts,
    words: doc.words as Words,
    phrase(group, key, params) {
      return fillNamed((doc.words[group] as Record<string, string>)[key] ?? key, params)
    },
    data: doc,
  }
  return deepFreeze(pack)
}

export type { PackProblem }
