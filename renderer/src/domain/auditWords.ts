// The audit trail in words (issue 13): what an entry changed, as "Weight: 70 kg → 72 kg", with
// the app's own labels (./labels.ts, the case schema's field labels), never the stored JSON.
// One function, `auditChanges`, turns (entity, before, after) into the changed fields; `auditSubject`
// names the record ("Study 2026-03-01 MRI abdomen") and `auditActionText` the change.
import type {
  AuditKind,
  BoardDecision,
  Biomarker,
  FollowUpOverride,
  ItemStatus,
  StatusReasonCode,
  SurveillanceExitReason,
} from '../../../electron/contract/contract'
import {
  DEFERRAL_REASON_LABELS,
  EXIT_REASON_OPTIONS,
  ITEM_STATUS_LABELS,
  OVERRIDE_REASON_LABELS,
  STATUS_REASON_LABELS,
  TRIGGER_LABELS,
  UNDO_COMMAND_LABELS,
  agentLabel,
  biomarkerLabel,
  decisionText,
  procedureName,
  procedureShortName,
  ROLE_LABELS,
  resultLabel,
  symptomLabel,
  treatmentLabel,
  variantLabel,
} from './labels'
import {
  ACTIVITY_MBQ,
  CTDIVOL_MGY,
  DIAMETER_MM,
  DLP_MGY_CM,
  EFFECTIVE_MSV,
  EGFR,
  PRIMARY_SIZE_MM,
  USER_ROLES,
  WEIGHT_KG,
  type UserRole,
} from '../../../engine'

/** One changed field: its label and the value before and after, in words ('—' for none). */
export interface AuditChange {
  readonly label: string
  readonly before: string
  readonly after: string
}

export const NONE = '—'

export const AUDIT_KIND_LABELS: Readonly<Record<AuditKind, string>> = {
  created: 'Created',
  changed: 'Changed',
  removed: 'Removed',
  result: 'Result entered',
  'followup-decision': 'Follow-up decision',
  'marked-in-error': 'Marked as entered in error',
  restored: 'Restored',
  undone: 'Undone',
  recommendation: 'Recommendation',
  import: 'Import',
  'guideline-pack': 'Guideline pack',
  settings: 'Settings',
  read: 'Record opened',
  export: 'Export',
  backup: 'Backup',
  account: 'Accounts',
  session: 'Sign-in and lock',
  log: 'Log bookkeeping',
  other: 'Other',
}

const ACTION_TEXT: Readonly<Record<string, string>> = {
  'patient.create': 'Patient added',
  'patient.update': 'Patient’s facts edited',
  'patient.markError': 'Patient marked as entered in error',
  'patient.restore': 'Patient restored',
  'study.record': 'Study recorded',
  'study.import': 'Study imported',
  'study.result': 'Result entered',
  'study.update': 'Study edited',
  'study.markError': 'Study marked as entered in error',
  'study.restore': 'Study restored',
  'treatment.create': 'Treatment recorded',
  'treatment.update': 'Treatment edited',
  'treatment.markError': 'Treatment marked as entered in error',
  'treatment.restore': 'Treatment restored',
  'followup.create': 'Follow-up step opened',
  'followup.retarget': 'Follow-up step moved to the new plan',
  'followup.override': 'Study or window changed by the radiologist',
  'followup.done': 'Follow-up step done',
  'followup.cancelled': 'Follow-up step cancelled',
  'followup.deferred': 'Follow-up step deferred',
  'surveillance.leave': 'Left surveillance',
  'surveillance.reopen': 'Surveillance reopened',
  'recommendation.create': 'Recommendation made',
  'biomarker.add': 'Biomarker value added',
  'biomarker.remove': 'Biomarker value removed',
  'note.set': 'Note changed',
  'settings.update': 'Settings changed',
  'pacs.create': 'PACS added',
  'pacs.update': 'PACS changed',
  'pacs.remove': 'PACS removed',
  'mapping.create': 'Procedure mapping added',
  'mapping.update': 'Procedure mapping changed',
  'mapping.remove': 'Procedure mapping removed',
  'import.csv': 'CSV list imported',
  'import.pacs': 'Studies imported from a PACS',
  'import.dicom-files': 'Studies imported from DICOM files',
  'pack.import': 'Guideline pack imported',
  'pack.adopt': 'Guideline pack adopted',
  'pack.revert': 'Went back to the previous guideline pack',
  'pack.deactivate': 'Guideline pack no longer in use',
  'pack.builtin': 'Shipped guideline pack stored',
  'demo.load': 'Demo patients loaded',
  'demo.remove': 'Demo patients removed',
  'undo.keep': 'Undo point kept',
  'undo.done': 'Undo point used',
  'audit.keyed': 'Audit trail keyed from here on',
  'log.restore': 'Log restored from a backup',
  'read.patient': 'Patient record opened',
  'read.facts': 'Patient’s facts opened for editing',
  'read.recommendation': 'Stored recommendation opened',
  'export.worklist-csv': 'Worklist exported as CSV',
  'export.calendar': 'Calendar file exported',
  'export.fhir': 'FHIR bundle exported',
  'export.audit-csv': 'Audit trail exported as CSV',
  'export.dose-csv': 'Dose ledger exported as CSV',
  'export.sheet-print': 'Follow-up sheet printed',
  'export.sheet-pdf': 'Follow-up sheet saved as PDF',
  'backup.manual': 'Backup taken (Back up now)',
  'backup.daily': 'Daily backup taken',
  'backup.before-migration': 'Copy taken before an upgrade of the log',
  'session.firstAccount': 'First account created, signed in',
  'session.signIn': 'Signed in',
  'session.signInFailed': 'Sign-in refused (wrong name or password)',
  'session.signOut': 'Signed out',
  'session.lock': 'Locked',
  'session.idleLock': 'Locked after being idle',
  'user.create': 'Account added',
  'user.update': 'Account changed',
  'user.enable': 'Account enabled',
  'user.disable': 'Account disabled',
  'user.resetPassword': 'Password reset by a radiologist',
  'user.changePassword': 'Own password changed',
}

/** The change an action made, in words (an action the app does not know yet: its code). */
export function auditActionText(action: string): string {
  const known = ACTION_TEXT[action]
  if (known) return known
  if (action.startsWith('undo.')) {
    const what = UNDO_COMMAND_LABELS[action.slice(5)]
    return what ? `Undid ${what}` : `Undid ${action.slice(5)}`
  }
  return action
}

type Rec = Record<string, unknown>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)

// ---- Values in words ----------------------------------------------------------------------------

type Format = (v: unknown) => string

const text: Format = (v) => (v === null || v === undefined || v === '' ? NONE : String(v))
const yesNo: Format = (v) => (v === true ? 'yes' : v === false ? 'no' : 'unknown')
/** A number with its unit, from the case schema's label ("Weight (kg)" → "kg"). */
function unitOf(label: string): string {
  return /\(([^)]+)\)$/.exec(label)?.[1] ?? ''
}
const measured =
  (unit: string): Format =>
  (v) =>
    typeof v === 'number' ? `${v}${unit ? ` ${unit}` : ''}` : NONE
const plainLabel = (label: string): string => label.replace(/ \([^)]+\)$/, '')
const window: Format = (v) => (isRec(v) && v.from ? `${text(v.from)} – ${text(v.to)}` : NONE)
const procedure: Format = (v) => (v ? procedureName(String(v)) : NONE)
const result: Format = (v) => capital(resultLabel((v as never) ?? null))
const enteredInError: Format = (v) =>
  isRec(v) ? `entered in error: “${text(v.reason)}” (${text(v.by)}, ${text(v.at).slice(0, 10)})` : 'in use'
const symptoms: Format = (v) =>
  v === null || v === undefined
    ? 'not asked'
    : Array.isArray(v) && v.length === 0
      ? 'none'
      : (v as string[]).map(symptomLabel).join(', ')
const override: Format = (v) => {
  if (!isRec(v)) return NONE
  const o = v as unknown as FollowUpOverride
  const parts = [o.procedure ? procedureName(o.procedure) : null, o.due ? window(o.due) : null].filter(
    Boolean,
  )
  const why = OVERRIDE_REASON_LABELS[o.reasonCode] ?? o.reasonCode
  return `${parts.join(', ')} (${o.reasonCode === 'other' ? `“${text(o.text)}”` : why})`
}
const decision: Format = (v) =>
  isRec(v) && isRec(v.decision)
    ? `${text(v.date)}: ${decisionText(v.decision as unknown as BoardDecision)}`
    : NONE
const exitReason: Format = (v) =>
  EXIT_REASON_OPTIONS.find((o) => o.value === (v as SurveillanceExitReason))?.label ?? text(v)
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
const code =
  (labels: Readonly<Record<string, string>>): Format =>
  (v) =>
    v === null || v === undefined ? NONE : (labels[String(v)] ?? String(v))
const next: Format = (v) => {
  if (!isRec(v)) return NONE
  const parts = [
    v.procedure ? procedureName(String(v.procedure)) : text(v.action),
    isRec(v.due) ? window(v.due) : null,
  ].filter(Boolean)
  return parts.join(', ')
}
const pack: Format = (v) => (isRec(v) ? `${text(v.id)} ${text(v.version)}` : text(v))
const list: Format = (v) =>
  Array.isArray(v)
    ? v.length === 0
      ? 'none'
      : v.map((x) => (isRec(x) ? compact(x) : String(x))).join('; ')
    : text(v)

/** An object no field map names, in words: "key: value, …" (nested objects shortened). */
function compact(v: Rec): string {
  return Object.entries(v)
    .filter(([k]) => !IGNORED.has(k))
    .map(([k, x]) => `${humanise(k)}: ${isRec(x) ? '…' : Array.isArray(x) ? list(x) : text(x)}`)
    .join(', ')
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return NONE
  if (typeof v === 'boolean') return yesNo(v)
  if (Array.isArray(v)) return list(v)
  if (isRec(v)) return compact(v)
  return String(v)
}

/** `statusReasonText` → "Status reason text". */
export function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ')
  return capital(words.toLowerCase())
}

// ---- Fields of each record ----------------------------------------------------------------------

interface FieldSpec {
  readonly label: string
  readonly format?: Format
  /** The value is one field in words (a window, an override), not its parts. */
  readonly whole?: boolean
}

const num = (l: { label: string }): FieldSpec => ({
  label: plainLabel(l.label),
  format: measured(unitOf(l.label)),
})

/** Fields no reader needs: ids, versions, the app's own timestamps and digests. */
const IGNORED = new Set(['id', 'version', 'patientId', 'createdAt', 'updatedAt', 'storedDigest', 'packed'])

const PATIENT: Readonly<Record<string, FieldSpec>> = {
  mrn: { label: 'MRN' },
  name: { label: 'Name' },
  birthDate: { label: 'Date of birth' },
  weightKg: num(WEIGHT_KG),
  'diagnosis.date': { label: 'Date of diagnosis' },
  'diagnosis.confirmed': { label: 'Diagnosis confirmed', format: yesNo },
  'diagnosis.grade': { label: 'Grade' },
  'diagnosis.functional': { label: 'Functional tumour', format: yesNo },
  'diagnosis.primarySizeMm': num(PRIMARY_SIZE_MM),
  stagingComplete: { label: 'Staging complete', format: yesNo },
  activeSurveillance: { label: 'Active surveillance', format: yesNo },
  burden: { label: 'Tumour burden', format: (v) => (v ? capital(String(v).replace(/-/g, ' ')) : NONE) },
  suspectedRecurrence: { label: 'Suspected recurrence', format: yesNo },
  symptoms: { label: 'New symptoms', format: symptoms, whole: true },
  'constraints.mriContraindicated': { label: 'MRI contraindicated', format: yesNo },
  'constraints.mriReason': { label: 'Why MRI is contraindicated' },
  'constraints.iodinatedContrastContraindicated': {
    label: 'Iodinated contrast contraindicated',
    format: yesNo,
  },
  'constraints.gadoliniumContraindicated': { label: 'Gadolinium contraindicated', format: yesNo },
  'constraints.eGFR': num(EGFR),
  'treatments.*.kind': { label: 'kind', format: (v) => treatmentLabel(String(v)) },
  'treatments.*.date': { label: 'date' },
  'treatments.*.completeResection': { label: 'complete resection', format: yesNo },
  'treatments.*.enteredInError': { label: 'state', format: enteredInError, whole: true },
  requestedProcedure: { label: 'Requested study', format: procedure },
  isDemo: { label: 'Demo patient', format: yesNo },
  enteredInError: { label: 'State', format: enteredInError, whole: true },
}

const DOSE: Readonly<Record<string, FieldSpec>> = {
  'dose.effectiveMsv': num(EFFECTIVE_MSV),
  'dose.ctdiVolMgy': num(CTDIVOL_MGY),
  'dose.dlpMgyCm': num(DLP_MGY_CM),
  'dose.region': {
    label: 'Dose region',
    format: (v) => (v ? capital(String(v).replace(/-/g, ' and ')) : NONE),
  },
  'dose.activityMbq': num(ACTIVITY_MBQ),
  'dose.agent': { label: 'Radiopharmaceutical', format: (v) => agentLabel((v as never) ?? null) },
}

const STUDY: Readonly<Record<string, FieldSpec>> = {
  date: { label: 'Date' },
  procedure: { label: 'Study', format: procedure },
  result: { label: 'Result', format: result },
  note: { label: 'Note' },
  ...DOSE,
  'lesions.*.id': { label: 'label' },
  'lesions.*.organ': { label: 'organ' },
  'lesions.*.nodal': { label: 'lymph node', format: yesNo },
  'lesions.*.role': { label: 'role' },
  'lesions.*.diameterMm': num(DIAMETER_MM),
  'lesions.*.status': { label: 'status' },
  studyInstanceUid: { label: 'Study Instance UID' },
  accessionNumber: { label: 'Accession number' },
  doseSource: {
    label: 'Dose read from',
    format: (v) => (v === 'rdsr' ? 'a dose report' : 'entered by a person'),
  },
  doseEvents: {
    label: 'Dose report events',
    format: (v) => (Array.isArray(v) ? `${v.length}` : NONE),
    whole: true,
  },
  enteredInError: { label: 'State', format: enteredInError, whole: true },
}

const TREATMENT: Readonly<Record<string, FieldSpec>> = {
  kind: { label: 'Treatment', format: (v) => treatmentLabel(String(v)) },
  date: { label: 'Date' },
  completeResection: { label: 'Complete resection', format: yesNo },
  enteredInError: { label: 'State', format: enteredInError, whole: true },
}

const ITEM: Readonly<Record<string, FieldSpec>> = {
  kind: { label: 'Step', format: (v) => humanise(String(v)) },
  procedure: { label: 'Suggested study', format: procedure },
  due: { label: 'Due', format: window, whole: true },
  reason: { label: 'Why' },
  status: { label: 'Status', format: (v) => ITEM_STATUS_LABELS[v as ItemStatus] ?? text(v) },
  statusReasonCode: {
    label: 'Reason',
    format: (v) => (v ? (STATUS_REASON_LABELS[v as StatusReasonCode] ?? text(v)) : NONE),
  },
  statusReasonText: { label: 'Reason in words' },
  fulfilledByStudyId: { label: 'Done by study', format: (v) => (v ? `#${String(v)}` : NONE) },
  override: { label: 'Changed by the radiologist', format: override, whole: true },
  studyId: { label: 'Study awaited', format: (v) => (v ? `#${String(v)}` : NONE) },
  deferralReason: { label: 'Deferred because', format: code(DEFERRAL_REASON_LABELS) },
  decision: { label: 'Decision', format: decision, whole: true },
  recommendationId: { label: 'Recommendation', format: (v) => (v ? `#${String(v)}` : NONE) },
}

const EXIT: Readonly<Record<string, FieldSpec>> = {
  reasonCode: { label: 'Reason', format: exitReason },
  text: { label: 'Reason in words' },
  attempts: { label: 'Attempts to reach the patient' },
  date: { label: 'Date' },
  recordedBy: { label: 'Recorded by' },
  recordedAt: { label: 'Recorded at' },
  reopenedAt: { label: 'Reopened at' },
  reopenedBy: { label: 'Reopened by' },
  reopenReason: { label: 'Why it was reopened' },
}

const BIOMARKER: Readonly<Record<string, FieldSpec>> = {
  marker: { label: 'Marker', format: (v) => biomarkerLabel(v as Biomarker) },
  date: { label: 'Date' },
  value: { label: 'Value' },
  unit: { label: 'Unit' },
}

const NOTE: Readonly<Record<string, FieldSpec>> = { text: { label: 'Note' } }

const RECOMMENDATION: Readonly<Record<string, FieldSpec>> = {
  trigger: { label: 'Made because', format: code(TRIGGER_LABELS) },
  pack: { label: 'Guideline pack', format: pack, whole: true },
  variant: { label: 'Guideline variant', format: (v) => variantLabel((v as string) ?? null) },
  next: { label: 'Next step', format: next, whole: true },
  alerts: { label: 'Alerts', format: (v) => (Array.isArray(v) ? `${v.length}` : NONE), whole: true },
  supersededRecommendation: { label: 'Replaces recommendation', format: (v) => (v ? `#${String(v)}` : NONE) },
}

const UNDO: Readonly<Record<string, FieldSpec>> = {
  command: { label: 'Change it undoes', format: (v) => UNDO_COMMAND_LABELS[String(v)] ?? text(v) },
  undone: { label: 'Used', format: yesNo },
}

const PACK_FIELDS: Readonly<Record<string, FieldSpec>> = {
  packId: { label: 'Pack' },
  version: { label: 'Version' },
  title: { label: 'Title' },
  sha256: { label: 'SHA-256' },
  builtIn: { label: 'Shipped with the app', format: yesNo },
  active: { label: 'In use', format: yesNo },
  document: { label: 'Document', format: (v) => (v ? 'stored' : NONE), whole: true },
}

const ACCESS: Readonly<Record<string, FieldSpec>> = {
  file: { label: 'File' },
  filter: { label: 'Filter', format: (v) => (isRec(v) ? compact(v) || 'none' : NONE), whole: true },
  scope: { label: 'Scope', format: (v) => (isRec(v) ? compact(v) : text(v)), whole: true },
  rows: { label: 'Rows' },
  events: { label: 'Events' },
  truncated: { label: 'Cut at the export limit', format: yesNo },
  identify: { label: 'Patient named as' },
  recommendationId: { label: 'Recommendation', format: (v) => (v ? `#${String(v)}` : NONE) },
}

const LOG: Readonly<Record<string, FieldSpec>> = {
  file: { label: 'File' },
  bytes: {
    label: 'Size',
    format: (v) => (typeof v === 'number' ? `${(v / 1_048_576).toFixed(1)} MiB` : NONE),
  },
  sha256: { label: 'SHA-256' },
  auditHead: { label: 'Last audit entry in the copy', format: (v) => (v ? `#${String(v)}` : NONE) },
  fromSchema: { label: 'Schema before' },
  toSchema: { label: 'Schema after' },
  keyId: { label: 'Key id' },
  from: { label: 'Restored from' },
  setAside: { label: 'Files set aside', format: list, whole: true },
}

const ACCOUNT: Readonly<Record<string, FieldSpec>> = {
  name: { label: 'Name' },
  initials: { label: 'Initials' },
  role: { label: 'Role', format: (v) => (isRole(v) ? ROLE_LABELS[v] : text(v)) },
  active: { label: 'Active', format: yesNo },
  changedAt: { label: 'Changed', format: text },
}

function isRole(v: unknown): v is UserRole {
  return typeof v === 'string' && (USER_ROLES as readonly string[]).includes(v)
}

const FIELDS: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  log: LOG,
  patient: PATIENT,
  study: STUDY,
  treatment: TREATMENT,
  followup_item: ITEM,
  surveillance_exit: EXIT,
  biomarker: BIOMARKER,
  patient_note: NOTE,
  recommendation: RECOMMENDATION,
  undo_entry: UNDO,
  guideline_pack: PACK_FIELDS,
  access: ACCESS,
  user_account: ACCOUNT,
}

/** Lists of records inside a record, and what one of them is called. */
const ITEM_NAMES: Readonly<Record<string, string>> = {
  treatments: 'Treatment',
  lesions: 'Lesion',
}

/** Leaves of a record by path (`diagnosis.grade`, `treatments.0.date`); a `whole` field is one leaf. */
function flatten(
  fields: Readonly<Record<string, FieldSpec>>,
  v: unknown,
  at = '',
  out = new Map<string, unknown>(),
) {
  const pattern = at.replace(/\.\d+(?=\.|$)/g, '.*')
  const spec = at ? fields[pattern] : undefined
  if (at && (spec?.whole || (!isRec(v) && !(Array.isArray(v) && v.some(isRec))))) {
    out.set(at, v)
    return out
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(fields, x, `${at}.${i}`, out))
    if (v.length === 0) out.set(at, v)
    return out
  }
  if (isRec(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (IGNORED.has(k)) continue
      flatten(fields, x, at ? `${at}.${k}` : k, out)
    }
  }
  return out
}

function labelOf(
  fields: Readonly<Record<string, FieldSpec>>,
  path: string,
): { label: string; format: Format } {
  const pattern = path.replace(/\.\d+(?=\.|$)/g, '.*')
  const spec = fields[pattern]
  const m = /^([a-zA-Z]+)\.(\d+)(?:\.(.+))?$/.exec(path)
  if (m && ITEM_NAMES[m[1]!]) {
    const field = spec?.label ?? (m[3] ? humanise(m[3]).toLowerCase() : '')
    const name = `${ITEM_NAMES[m[1]!]} ${Number(m[2]) + 1}`
    return { label: field ? `${name}: ${field}` : name, format: spec?.format ?? valueText }
  }
  return {
    label: spec?.label ?? path.split('.').map(humanise).join(': '),
    format: spec?.format ?? valueText,
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * What an audit entry changed, field by field, in words: every field whose value differs between
 * `before` and `after` (a creation: every field it was given; a removal: every field it had), in
 * the order the record holds them. Ids, versions and the app's own timestamps are left out.
 */
export function auditChanges(entity: string, before: unknown, after: unknown): AuditChange[] {
  const fields = FIELDS[entity] ?? {}
  const b = flatten(fields, before)
  const a = flatten(fields, after)
  const paths = [...new Set([...b.keys(), ...a.keys()])]
  const out: AuditChange[] = []
  for (const p of paths) {
    const was = b.get(p)
    const now = a.get(p)
    if (same(was, now)) continue
    // An emptied (or first filled) list is said by its items, not also as the list.
    if ((!b.has(p) || !a.has(p)) && paths.some((q) => q.startsWith(`${p}.`))) continue
    // A creation or removal lists what the record held, not the fields it left empty.
    if (
      (before === null && (now === null || now === undefined)) ||
      (after === null && (was === null || was === undefined))
    )
      continue
    const { label, format } = labelOf(fields, p)
    out.push({
      label,
      before: before === null || was === undefined ? NONE : format(was),
      after: after === null || now === undefined ? NONE : format(now),
    })
  }
  return out
}

/** The record an entry is about, named as a reader knows it ("Study 2026-03-01 MRI abdomen"). */
export function auditSubject(entity: string, before: unknown, after: unknown): string {
  const r = (isRec(after) ? after : isRec(before) ? before : {}) as Rec
  switch (entity) {
    case 'patient':
      return 'Patient record'
    case 'study':
      return `Study ${text(r.date)} ${r.procedure ? procedureShortName(String(r.procedure)) : ''}`.trim()
    case 'treatment':
      return `Treatment ${r.kind ? treatmentLabel(String(r.kind)) : ''} ${r.date ? String(r.date) : '(date unknown)'}`
    case 'followup_item':
      return `Follow-up step ${r.procedure ? procedureShortName(String(r.procedure)) : text(r.reason)}, due ${window(r.due)}`
    case 'surveillance_exit':
      return `Exit from surveillance of ${text(r.date)}`
    case 'biomarker':
      return `${r.marker ? biomarkerLabel(r.marker as Biomarker) : 'Biomarker'} of ${text(r.date)}`
    case 'patient_note':
      return 'Note'
    case 'recommendation':
      return 'Recommendation'
    case 'undo_entry':
      return 'Undo point'
    case 'guideline_pack':
      return `Guideline pack ${text(r.packId)} ${text(r.version)}`
    case 'setting':
      return 'Settings'
    case 'pacs_endpoint':
      return `PACS ${text(r.name)}`
    case 'procedure_mapping':
      return `Procedure mapping ${text(r.modality)} “${text(r.keywords)}”`
    case 'import':
      return 'Import'
    case 'access':
      return 'Patient data'
    case 'log':
      return 'The log'
    case 'user_account':
      return `Account ${text(r.name)} (${text(r.initials)})`
    case 'session':
      return 'Sign-in'
    default:
      return humanise(entity)
  }
}

/** "Study 2026-03-01 MRI abdomen: Result: Not read yet → Stable" (one line per change; for CSV). */
export function changeLine(c: AuditChange): string {
  return `${c.label}: ${c.before} → ${c.after}`
}
