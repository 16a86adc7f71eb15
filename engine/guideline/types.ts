// The shape of a guideline pack: plain data, validated by `loadPack` (./load.ts).
import type { Agent, Modality, ProcedureId, Rating, RrlLevel, VariantId } from '../types'

/**
 * How a source was read:
 * - `seed`: the founding article (source of truth for follow-up of non-liver-dominant disease);
 * - `seen`: read directly;
 * - `secondary`: seen only in a digest, mirror or summary;
 * - `app-rule`, `inferred`, `computed`: a product decision, a reasoned default, or arithmetic.
 */
export type SourceKind = 'seed' | 'seen' | 'secondary' | 'app-rule' | 'inferred' | 'computed'

export interface SourceEntry {
  key: string
  kind: SourceKind
  title: string
  /** Required for `seed`, `seen` and `secondary`. */
  url: string | null
  note?: string
}

/** Typical adult effective dose of a procedure when nothing was recorded. */
export type TypicalDose =
  | { kind: 'fixed'; msv: number; source: string; note?: string }
  /** Radiopharmaceutical part from the agent's default activity; the CT part stays unknown. */
  | { kind: 'radiopharmaceutical'; agent: Agent; source: string; note?: string }

export interface ProcedureEntry {
  id: ProcedureId
  /** ACR naming. */
  acrName: string
  /** Our short label. */
  label: string
  modality: Modality
  /** The contrast agent the procedure needs, if any. */
  contrast: 'iodinated' | 'gadolinium' | null
  rrl: RrlLevel | null
  rrlSource: string | null
  typical: TypicalDose
}

export interface CellEntry {
  procedure: ProcedureId
  rating: Rating
  /** `not-loaded` exactly when `rating` is `not-loaded`. */
  provenance: 'seed' | 'seen' | 'not-loaded'
  source: string | null
}

export interface IntervalEntry {
  min: number
  max: number
  source: string
}

/** Studies the variant's facts offer in a given situation (each must be rated in the variant). */
export interface OfferEntry {
  procedures: readonly ProcedureId[]
  source: string
}

export interface VariantEntry {
  id: VariantId
  /** Our paraphrase of the scenario (not the official ACR wording, which was not found). */
  title: string
  /** The facts that put a case in, in plain words. */
  inclusion: readonly string[]
  source: string
  /** Rated cells. A procedure without a cell is `not-loaded`. */
  cells: readonly CellEntry[]
  intervals: {
    /** Stable, responding or no evidence of disease. */
    routine: IntervalEntry | null
    /** Indeterminate finding. */
    short: IntervalEntry | null
    /** No read study yet: image now (counted from `asOf`). */
    baseline: IntervalEntry
    /** Post-resection only: first study counted from the resection date. */
    afterResection?: IntervalEntry
  }
  /** Post-resection only: stop routine imaging this many years after the resection. */
  stopAfterYears?: { years: number; source: string }
  offers?: {
    /**
     * The studies the source offers as the routine follow-up study (the others are offered only
     * in the situations below). Absent: every rated study may be the routine one.
     */
    routine?: OfferEntry
    progression?: OfferEntry
    indeterminate?: OfferEntry
    localizedSymptoms?: OfferEntry
    clinicalSuspicion?: OfferEntry
  }
}

export interface RrlBand {
  level: RrlLevel
  adultMinMsv: number
  adultMaxMsv: number | null
  source: string
}

export interface GuidelinePackData {
  id: string
  version: string
  title: string
  sources: readonly SourceEntry[]
  rrlBands: readonly RrlBand[]
  procedures: readonly ProcedureEntry[]
  variants: readonly VariantEntry[]
}

export interface PackProblem {
  /** Where in the pack data, e.g. `variants[1].cells[3].rating`. */
  path: string
  message: string
}
