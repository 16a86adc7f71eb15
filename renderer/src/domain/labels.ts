// Words and options for the engine's codes, in one place for every screen. The procedure list,
// names and modalities come from the guideline pack itself, so the UI never disagrees with it.
// Every label map is a `Record<Code, string>` over a list declared once (engine/types.ts,
// engine/codes.ts): a code without words does not compile.
import { ACR_PNET } from '../../../engine'
import { DOSE_METHOD_LABELS, RESULT_LABELS, TREATMENT_LABELS } from '../../../engine'
import { describeExit, EXIT_REASON_LABELS } from '../../../engine'
import type { BoardDecision, SurveillanceExit, UserRole } from '../../../engine'
import { followUpStatus } from '../../../engine'
import {
  DEFERRAL_REASONS,
  BIOMARKERS,
  type Biomarker,
  MANUAL_STATUS_REASON_CODES,
  OVERRIDE_REASON_CODES,
  SURVEILLANCE_EXIT_REASONS,
  type DeferralReason,
  type ItemStatus,
  type OverrideReasonCode,
  type RecommendationTrigger,
  type StatusReasonCode,
  type WorklistBucket,
} from '../../../engine'
import {
  AGENTS,
  DOSE_REGIONS,
  STUDY_RESULTS,
  SYMPTOMS,
  TREATMENT_KINDS,
  VARIANT_IDS,
  type Agent,
  type DoseMethod,
  type DoseRegion,
  type DueWindow,
  type Modality,
  type ProcedureId,
  type Rating,
  type StudyResult,
  type VariantId,
} from '../../../engine'
import { msvText } from './msv'

export const PACK = ACR_PNET

export const PROCEDURE_OPTIONS = PACK.procedures.map((p) => ({ value: p.id, label: p.acrName }))
/** The procedures with a first "Choose…" entry, for a form that must not preselect one. */
export const PROCEDURE_CHOICES = [{ value: '', label: 'Choose…' }, ...PROCEDURE_OPTIONS]

export function procedureName(id: ProcedureId | string | null): string {
  if (!id) return '—'
  return PACK.procedure[id as ProcedureId]?.acrName ?? id
}

export function procedureShortName(id: ProcedureId | string | null): string {
  if (!id) return '—'
  return PACK.procedure[id as ProcedureId]?.label ?? id
}

export function procedureModality(id: ProcedureId | string): Modality | null {
  return PACK.procedure[id as ProcedureId]?.modality ?? null
}

const VARIANT_SHORT: Record<VariantId, string> = {
  'initial-staging': 'Initial staging',
  'follow-up-non-liver-dominant': 'Follow-up, not liver-dominant',
  'follow-up-liver-dominant': 'Follow-up, liver-dominant',
  'post-resection-surveillance': 'Surveillance after resection',
  'untreated-surveillance': 'Untreated, active surveillance',
}

export const VARIANT_OPTIONS = VARIANT_IDS.map((id) => ({ id, label: VARIANT_SHORT[id] }))

export function variantLabel(id: VariantId | string | null): string {
  if (!id) return 'Outside the guideline'
  return VARIANT_SHORT[id as VariantId] ?? id
}

export function variantTitle(id: VariantId | null): string {
  return id ? PACK.variants[id].title : 'No variant of the guideline fits this case'
}

export function resultLabel(r: StudyResult | null): string {
  if (!r) return 'not read yet'
  const label = RESULT_LABELS[r]
  return label.charAt(0).toUpperCase() + label.slice(1)
}

/** The result must be chosen; "not read yet" is a choice too (never what an untouched form sends). */
export const RESULT_OPTIONS = [
  { value: '', label: 'Choose…' },
  { value: 'not-read-yet', label: 'Not read yet (or derive from measurements)' },
  ...STUDY_RESULTS.map((r) => ({ value: r, label: resultLabel(r) })),
]

export function treatmentLabel(k: string): string {
  const label = TREATMENT_LABELS[k as keyof typeof TREATMENT_LABELS] ?? k
  return label.charAt(0).toUpperCase() + label.slice(1)
}

export const TREATMENT_OPTIONS = TREATMENT_KINDS.map((k) => ({ value: k, label: treatmentLabel(k) }))

const SYMPTOM_LABELS: Record<(typeof SYMPTOMS)[number], string> = {
  'new-localized-bone-pain': 'New localized bone pain',
  'new-localized-symptoms': 'Other new localized symptoms',
  'rising-biomarkers': 'Rising biomarkers',
  jaundice: 'Jaundice',
  'new-abdominal-pain': 'New abdominal pain',
  flushing: 'Flushing',
  diarrhea: 'Diarrhoea',
}

export const SYMPTOM_OPTIONS = SYMPTOMS.map((s) => ({ value: s, label: SYMPTOM_LABELS[s] }))

export function symptomLabel(s: string): string {
  return SYMPTOM_LABELS[s as keyof typeof SYMPTOM_LABELS] ?? s
}

const REGION_LABELS: Record<DoseRegion, string> = {
  head: 'Head',
  neck: 'Neck',
  chest: 'Chest',
  abdomen: 'Abdomen',
  pelvis: 'Pelvis',
  'abdomen-pelvis': 'Abdomen and pelvis',
  'chest-abdomen-pelvis': 'Chest, abdomen and pelvis',
}

export const REGION_OPTIONS = [
  { value: '', label: 'Unknown' },
  ...DOSE_REGIONS.map((r) => ({ value: r, label: REGION_LABELS[r] })),
]

const AGENT_LABELS: Record<Agent, string> = {
  'ga68-dotatate': 'Ga-68 DOTATATE',
  'cu64-dotatate': 'Cu-64 DOTATATE',
  'in111-pentetreotide': 'In-111 pentetreotide',
  'f18-fdg': 'F-18 FDG',
}

export function agentLabel(a: Agent | null): string {
  return a ? AGENT_LABELS[a] : '—'
}

export const AGENT_OPTIONS = [
  { value: '', label: 'Unknown' },
  ...AGENTS.map((a) => ({ value: a, label: AGENT_LABELS[a] })),
]

/**
 * Effective dose for a table cell: the value as `msvText` writes it everywhere (one rounding
 * rule, domain/msv.ts), and what is estimated or missing.
 */
export function formatMsv(msv: number | null, estimated: boolean, incomplete: boolean): string {
  if (msv === null) return '—'
  return `${msvText(msv, incomplete)}${estimated ? ' (est.)' : ''}`
}

/** Where today falls relative to a due window, in words for the worklist. */
export function windowStatus(
  due: DueWindow,
  today: string,
): { status: 'upcoming' | 'due' | 'overdue'; label: string } {
  const s = followUpStatus(due, today)
  if (s.status === 'overdue') return { status: 'overdue', label: `overdue ${s.daysOverdue} d` }
  if (s.status === 'due') return { status: 'due', label: 'due now' }
  return { status: 'upcoming', label: `in ${s.daysUntilDue} d` }
}

const RATING_LABELS: Readonly<Record<Rating, string>> = {
  'usually-appropriate': 'Usually appropriate',
  'may-be-appropriate': 'May be appropriate',
  'usually-not-appropriate': 'Usually not appropriate',
  'not-loaded': 'Rating not loaded',
}

export function ratingLabel(r: Rating | string): string {
  return RATING_LABELS[r as Rating] ?? r
}

/** How a study's dose was found, in words (the timeline and the CSV export). */
export function doseMethodLabel(m: DoseMethod | string): string {
  return DOSE_METHOD_LABELS[m as DoseMethod] ?? DOSE_METHOD_LABELS.unknown
}

/** Completes "Recommendation …" on the timeline. */
export const TRIGGER_LABELS: Readonly<Record<RecommendationTrigger, string>> = {
  'study-recorded': 'after a study was recorded',
  'result-entered': 'after a result was entered',
  'facts-changed': 'after the record changed',
  manual: 'on request',
  'guideline-pack-changed': 'after the guideline pack changed',
}

export function triggerLabel(t: RecommendationTrigger): string {
  return TRIGGER_LABELS[t] ?? t
}

export const ITEM_STATUS_LABELS: Readonly<Record<ItemStatus, string>> = {
  scheduled: 'scheduled',
  done: 'done',
  cancelled: 'cancelled',
  deferred: 'deferred',
}

export const STATUS_REASON_LABELS: Readonly<Record<StatusReasonCode, string>> = {
  'study-recorded': 'Study recorded',
  'result-entered': 'Result entered',
  'decision-recorded': 'Decision recorded',
  superseded: 'Replaced by the next step',
  cancelled: 'Cancelled',
  deferred: 'Deferred',
  'left-surveillance': 'Left surveillance',
  'done-elsewhere': 'Done elsewhere',
  'patient-declined': 'Patient declined',
  'patient-request': 'Patient request',
  'clinical-change': 'Clinical change',
  scheduling: 'Scheduling',
  'end-of-surveillance': 'End of surveillance',
  duplicate: 'Duplicate',
  other: 'Other (say why)',
}

/** The reasons a radiologist can give when closing an item by hand. */
export const STATUS_REASON_OPTIONS = MANUAL_STATUS_REASON_CODES.map((value) => ({
  value,
  label: STATUS_REASON_LABELS[value],
}))

/**
 * The reasons for cancelling a step (its successor opens at once). Leaving surveillance, or a
 * patient who declines further imaging, is "Leave surveillance", not a cancellation.
 */
export const CANCEL_REASON_OPTIONS = MANUAL_STATUS_REASON_CODES.filter(
  (c) => c !== 'end-of-surveillance' && c !== 'patient-declined' && c !== 'done-elsewhere',
).map((value) => ({ value, label: STATUS_REASON_LABELS[value] }))

export const DEFERRAL_REASON_LABELS: Readonly<Record<DeferralReason, string>> = {
  'patient-request': 'Patient request',
  'clinical-change': 'Clinical change',
  scheduling: 'Scheduling',
  other: 'Other (say why)',
}
export const DEFERRAL_REASON_OPTIONS = DEFERRAL_REASONS.map((value) => ({
  value,
  label: DEFERRAL_REASON_LABELS[value],
}))

const capital = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1)
export const EXIT_REASON_OPTIONS = SURVEILLANCE_EXIT_REASONS.map((value) => ({
  value,
  label: capital(EXIT_REASON_LABELS[value]),
}))

/** Why a patient left surveillance, in words ("lost to follow-up after 3 attempts: …"). */
export function exitText(e: Pick<SurveillanceExit, 'reasonCode' | 'text' | 'attempts'>): string {
  return describeExit({ ...e, date: '' })
}

/** A board's or review's decision in words. */
export function decisionText(d: BoardDecision): string {
  switch (d.type) {
    case 'new-treatment':
      return `new treatment: ${treatmentLabel(d.treatment.kind)} from ${d.treatment.date}`
    case 'continue-surveillance':
      return `continue surveillance: ${procedureName(d.procedure)}, ${d.due.from} – ${d.due.to}`
    case 'further-imaging':
      return `further imaging: ${procedureName(d.procedure)}, ${d.due.from} – ${d.due.to}`
    case 'leave-surveillance':
      return `leave surveillance (${exitText(d.exit)})`
  }
}

/** The change `patients.undo` would reverse, in words. */
export const UNDO_COMMAND_LABELS: Readonly<Record<string, string>> = {
  'study.record': 'recording the study',
  'study.import': 'importing the studies',
  'study.result': 'entering the result',
  'study.update': 'editing the study',
  'study.markError': 'marking the study as entered in error',
  'study.restore': 'restoring the study',
  'treatment.update': 'editing the treatment',
  'treatment.markError': 'marking the treatment as entered in error',
  'treatment.restore': 'restoring the treatment',
  'patient.update': 'editing the record',
  'patient.markError': 'marking the patient as entered in error',
  'patient.restore': 'restoring the patient',
  'followup.cancelled': 'cancelling the step',
  'followup.deferred': 'deferring the step',
  'followup.override': 'changing the study or window',
  'followup.doneElsewhere': 'recording the study done elsewhere',
  'followup.decision': 'recording the decision',
  'surveillance.leave': 'leaving surveillance',
  'surveillance.reopen': 'reopening surveillance',
}

export const OVERRIDE_REASON_LABELS: Readonly<Record<OverrideReasonCode, string>> = {
  'clinician-decision': 'Clinician decision',
  'patient-preference': 'Patient preference',
  contraindication: 'Contraindication',
  other: 'Other (say why)',
}

export const OVERRIDE_REASON_OPTIONS = OVERRIDE_REASON_CODES.map((value) => ({
  value,
  label: OVERRIDE_REASON_LABELS[value],
}))

export const BUCKET_LABELS: Readonly<Record<WorklistBucket, string>> = {
  now: 'Overdue and due',
  overdue: 'Overdue',
  due: 'Due now',
  'upcoming-30': 'Next 30 days',
  'upcoming-90': 'Next 90 days',
  all: 'All scheduled',
  attention: 'Needs attention',
}

const BIOMARKER_LABELS: Readonly<Record<Biomarker, string>> = {
  'chromogranin-a': 'Chromogranin A',
  pancreastatin: 'Pancreastatin',
  nse: 'Neuron-specific enolase (NSE)',
  'urine-5-hiaa': '5-HIAA (24-hour urine)',
  'plasma-5-hiaa': '5-HIAA (plasma)',
  serotonin: 'Serotonin',
  gastrin: 'Gastrin',
  insulin: 'Insulin',
  glucagon: 'Glucagon',
  vip: 'VIP',
}

/** The unit a new value of each marker starts with (the laboratory's own unit may differ: edit it). */
export const BIOMARKER_DEFAULT_UNITS: Readonly<Record<Biomarker, string>> = {
  'chromogranin-a': 'ng/mL',
  pancreastatin: 'pmol/L',
  nse: 'ng/mL',
  'urine-5-hiaa': 'mg/24 h',
  'plasma-5-hiaa': 'nmol/L',
  serotonin: 'ng/mL',
  gastrin: 'pg/mL',
  insulin: 'µU/mL',
  glucagon: 'pg/mL',
  vip: 'pg/mL',
}

export function biomarkerLabel(m: Biomarker): string {
  return BIOMARKER_LABELS[m]
}

export const BIOMARKER_OPTIONS = BIOMARKERS.map((value) => ({ value, label: BIOMARKER_LABELS[value] }))

/**
 * A closing or override reason in a sentence: the words the radiologist typed for "Other (say
 * why)" (the option's label is an instruction, not a reason), else the reason's label and any text.
 */
export function reasonText(label: string, code: string, text: string | null): string {
  if (code === 'other') return text ? `“${text}”` : 'no reason given'
  return text ? `${label}: “${text}”` : label
}

/** The roles of an account, as the Users screen and the top bar name them. */
export const ROLE_LABELS: Record<UserRole, string> = {
  radiologist: 'Radiologist',
  coordinator: 'Coordinator',
  'read-only': 'Read only',
}
