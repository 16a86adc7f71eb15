// Words for the radiation ledger: numbers as a reader expects them, each estimate's method in
// plain words, its assumptions (engine flags) as sentences, and where every coefficient came from.
// Pure functions, shared by the panel and the CSV export.
import type { DoseView, StudyRecord } from '../../../../electron/contract/contract'
import type { DoseRegion, EstimateWorking, KFactorSet, Modality, StudyDoseEstimate } from '../../../../engine'
import { agentLabel, PACK, REGION_OPTIONS } from '../../domain/labels'
import { msvNumber } from '../../domain/msv'

// The one dose formatter (renderer/src/domain/msv.ts), re-exported for the ledger's modules.
export { msvNumber, msvShort, msvText } from '../../domain/msv'

export const K_FACTOR_SET_LABELS: Record<KFactorSet, string> = {
  aapm96: 'AAPM Report 96',
  icrp103: 'ICRP 103',
}

/** Modalities in the order the panel, the chart's stack and the CSV use. */
export const MODALITY_ORDER: readonly Modality[] = ['CT', 'PET/CT', 'NM', 'XR', 'MR', 'US']

/** A CSS/test-id friendly name for a modality: `PET/CT` → `pet-ct`. */
export function modalitySlug(m: Modality): string {
  return m.toLowerCase().replace('/', '-')
}

export function regionLabel(r: DoseRegion | null): string {
  if (!r) return 'region unknown'
  return (REGION_OPTIONS.find((o) => o.value === r)?.label ?? r).toLowerCase()
}

/** A raw number as recorded (no rounding: it is the record). */
function raw(n: number): string {
  return String(n)
}

/** The indices recorded for a study, each as one short line. Empty: nothing was recorded. */
export function recordedIndices(study: StudyRecord | undefined, modality: Modality): string[] {
  if (!study) return []
  const d = study.dose
  const hybrid = modality === 'PET/CT' || modality === 'NM'
  const ct = hybrid ? 'CT part: ' : ''
  const lines: string[] = []
  if (study.doseSource === 'rdsr') lines.push('From RDSR (the study’s radiation dose report)')
  if (d.agent !== null || d.activityMbq !== null) {
    lines.push(
      `${d.agent ? agentLabel(d.agent) : 'Agent not recorded'}${
        d.activityMbq !== null ? ` ${raw(d.activityMbq)} MBq` : ', activity not recorded'
      }`,
    )
  }
  if (d.ctdiVolMgy !== null) lines.push(`${ct}CTDIvol ${raw(d.ctdiVolMgy)} mGy`)
  if (d.dlpMgyCm !== null) lines.push(`${ct}DLP ${raw(d.dlpMgyCm)} mGy·cm, ${regionLabel(d.region)}`)
  else if (d.region !== null) lines.push(`${ct}region ${regionLabel(d.region)}, no DLP`)
  if (d.effectiveMsv !== null) lines.push(`Reported effective dose ${raw(d.effectiveMsv)} mSv`)
  const ctEvents = study.doseEvents.filter((e) => e.kind === 'ct')
  if (ctEvents.length > 1 || (ctEvents.length === 1 && ctEvents[0]!.region !== d.region))
    ctEvents.forEach((e, i) =>
      lines.push(
        `Event ${i + 1}: ${e.ctdiVolMgy !== null ? `CTDIvol ${raw(e.ctdiVolMgy)} mGy, ` : ''}${
          e.dlpMgyCm !== null ? `DLP ${raw(e.dlpMgyCm)} mGy·cm` : 'no DLP'
        }, ${e.region ? regionLabel(e.region) : `region “${e.targetRegion ?? 'not given'}”`}`,
      ),
    )
  for (const e of study.doseEvents)
    if (e.kind === 'radiopharmaceutical' && e.agent === null)
      lines.push(
        `Report names “${e.agentText ?? 'no agent'}”${e.activityMbq !== null ? `, ${raw(e.activityMbq)} MBq` : ''}: not one of the app’s agents, not used`,
      )
  return lines
}

/** The back end's working of one of the view's estimates (`dose.working` follows `dose.ledger.studies`). */
export function workingOf(dose: DoseView, e: StudyDoseEstimate): EstimateWorking | undefined {
  return dose.working[dose.ledger.studies.findIndex((s) => s.index === e.index)]
}

function kSetOf(e: StudyDoseEstimate, kSet: KFactorSet): KFactorSet {
  return e.flags.includes('k-factor-from-aapm96') ? 'aapm96' : kSet
}

export interface MethodWords {
  /** The method in a few words: "DLP × k", "typical value — estimated". */
  method: string
  /** The arithmetic, one line per part, with the factors used. */
  steps: string[]
}

/**
 * How one estimate was made, in words, with the numbers it multiplied: `working` is the back end's
 * (electron/contract DoseView `working`, from the same pack and settings as the estimate — the
 * per-event k of a dose report, the coefficient). `dlpMgyCm` is the DLP recorded for the study
 * (the engine keeps only the product).
 */
export function methodWords(
  e: StudyDoseEstimate,
  working: EstimateWorking | undefined,
  kSet: KFactorSet,
  dlpMgyCm: number | null,
): MethodWords {
  // A dose report's events: the k of each event's own region.
  const perEvent = working?.events ?? null
  const ctSteps = (prefix: string): string[] =>
    perEvent
      ? perEvent.map(
          (ev) =>
            `${prefix}event ${ev.index + 1}: ${ev.dlpMgyCm} mGy·cm × ${ev.kFactor} (${regionLabel(ev.region)}${
              ev.regionAssumed ? ', assumed' : ''
            }) = ${msvNumber(ev.msv)} mSv`,
        )
      : e.ctMsv !== null && e.kFactor !== null
        ? [
            `${prefix}${dlpMgyCm ?? '?'} mGy·cm × ${e.kFactor} = ${msvNumber(e.ctMsv)} mSv`,
            `k: ${K_FACTOR_SET_LABELS[kSetOf(e, kSet)]}, ${regionLabel(e.region)}`,
          ]
        : [`${prefix}not recorded, not counted`]
  switch (e.method) {
    case 'recorded':
      return { method: 'recorded effective dose, as reported', steps: [] }
    case 'non-ionizing':
      return { method: 'no ionising radiation', steps: [] }
    case 'dlp-k':
      return { method: 'DLP × k', steps: ctSteps('') }
    case 'activity-coefficient':
    case 'typical': {
      const typical = e.method === 'typical'
      if (e.radiopharmaceuticalMsv === null)
        return { method: 'typical value for the procedure — estimated', steps: [] }
      const coef = working?.coefficientMsvPerMbq ?? null
      return {
        method: typical
          ? 'typical value — estimated: typical activity × coefficient + CT part'
          : 'activity × coefficient + CT part',
        steps: [
          `${e.activityMbq} MBq${typical ? ' (typical)' : ''} × ${coef ?? '?'} mSv/MBq = ${msvNumber(e.radiopharmaceuticalMsv)} mSv`,
          ...ctSteps('CT part: '),
        ],
      }
    }
    default:
      // No number at all: a partial figure here would read as the study's dose.
      return { method: 'not estimated', steps: [] }
  }
}

/** An engine flag as a sentence for this study. Unknown flags are shown as they are. */
export function flagText(flag: string, e: StudyDoseEstimate): string {
  switch (flag) {
    case 'coefficient-unknown':
      return `needs a site coefficient (${agentLabel(e.agent)} has no published value loaded)`
    case 'typical-value':
      return 'no DLP recorded: typical value for the procedure'
    case 'ctdivol-without-length':
      return 'CTDIvol recorded without DLP: not converted'
    case 'region-assumed':
      return `body region not recorded: ${regionLabel(e.region)} assumed`
    case 'k-factor-from-aapm96':
      return 'no ICRP 103 factor for this region: AAPM Report 96 value used'
    case 'agent-assumed':
      return `radiopharmaceutical not recorded: ${agentLabel(e.agent)} assumed`
    case 'agent-unknown':
      return 'radiopharmaceutical not recorded'
    case 'activity-defaulted':
      return `activity not recorded: typical ${e.activityMbq ?? '?'} MBq used`
    case 'weight-unknown':
      return 'weight unknown: reference-adult activity used'
    case 'ct-part-unknown':
      return 'CT part not recorded: not counted, so this is a lower bound'
    case 'k-per-event':
      return 'k applied per irradiation event, each with its own body region (from the dose report)'
    case 'event-dlp-missing':
      return 'an irradiation event of the dose report has no DLP: not counted, so this is a lower bound'
    default:
      return flag
  }
}

/** A source key in words (the site's own coefficient is a setting, not a publication). */
export function sourceTitle(key: string): string {
  if (key === 'site-setting') return 'Site coefficient entered in the dose settings'
  return PACK.sources[key]?.title ?? key
}

export function sourceUrl(key: string): string | null {
  return PACK.sources[key]?.url ?? null
}

/** "every 6–12 months" / "every 12 months". */
export function intervalText(iv: { min: number; max: number }): string {
  return iv.min === iv.max ? `every ${iv.min} months` : `every ${iv.min}–${iv.max} months`
}

/** "5–10" or "5". */
export function rangeText(r: { min: number; max: number }, fmt: (n: number) => string = String): string {
  return r.min === r.max ? fmt(r.min) : `${fmt(r.min)}–${fmt(r.max)}`
}
