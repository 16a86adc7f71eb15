import {
  createPatient,
  getPatient,
  listPatients,
  requirePatient,
  updatePatient,
} from '../../db/queries/patients'
import type { Actor } from '../../db/audit'
import type { DB } from '../../db/open'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations'
import type { Handlers } from './contract'
import { invalid } from './dispatch'
import type { PatientInput } from '../../db/types'

export interface HandlerContext {
  readonly db: DB
  /** Who is at the keyboard (the operating-system account) and the clock. */
  readonly actor: Actor
  readonly transport: 'electron' | 'web'
  readonly dataFile: string
  readonly version: string
}

/** Today's calendar date where the reader sits (local time), as YYYY-MM-DD. */
export function localToday(now: Date): string {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, '0')
  const d = String(now.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/** Checks that need today's date or several fields at once (the schema checks each field alone). */
function checkPatient(input: PatientInput, today: string): void {
  const fields: Record<string, string> = {}
  if (input.birthDate && input.birthDate > today) fields['birthDate'] = 'The birth date is in the future.'
  if (input.diagnosis.date && input.diagnosis.date > today)
    fields['diagnosis.date'] = 'The diagnosis date is in the future.'
  if (input.birthDate && input.diagnosis.date && input.diagnosis.date < input.birthDate) {
    fields['diagnosis.date'] = 'The diagnosis date is before the birth date.'
  }
  if (input.constraints.mriContraindicated !== true && input.constraints.mriReason) {
    fields['constraints.mriReason'] = 'A reason is only kept when MRI is contraindicated.'
  }
  const first = Object.values(fields)[0]
  if (first) throw invalid(first, fields)
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { db, actor } = ctx
  const today = (): string => localToday(actor.now())
  return {
    'app.info': () => ({
      version: ctx.version,
      transport: ctx.transport,
      dataFile: ctx.dataFile,
      schemaVersion: LATEST_SCHEMA_VERSION,
      today: today(),
    }),
    'patients.list': (req) => listPatients(db, req),
    'patients.get': (req) => requirePatient(db, req.id),
    'patients.create': (req) => {
      checkPatient(req, today())
      return createPatient(db, actor, req)
    },
    'patients.update': (req) => {
      checkPatient(req.patient, today())
      if (!getPatient(db, req.id)) throw invalid(`No patient with id ${req.id}.`)
      return updatePatient(db, actor, req.id, req.patient)
    },
  }
}
