import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Actor } from '../../db/audit'
import { writeTx, type ReadableDb } from '../../db/tx'
import type { PatientInput, PatientRecord } from '../../db/types'
import { createPatientInTx, updatePatientInTx } from '../../electron/backend/services/patients'

/** A fresh folder under the system temp dir, removed by the returned cleanup. */
/**
 * Noon of a calendar day in the machine's time zone: "today" is the reader's local date, so a
 * fixture clock at a fixed UTC hour would be another day in Kiritimati (UTC+14) or Pago Pago (UTC-11).
 */
export function localNoon(day: string, hour = 12): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d, hour, 0, 0)
}

export function tempDir(prefix = 'pnet-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return {
    dir,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  }
}

/** An actor with a fixed, advancing clock so audit rows are reproducible. */
export function testActor(start = '2026-11-24T09:00:00.000Z', user = 'dr.test'): Actor {
  let t = Date.parse(start)
  return { user, now: () => new Date((t += 1000)) }
}

export function patientInput(overrides: Partial<PatientInput> = {}): PatientInput {
  return {
    mrn: 'MRN-0001',
    name: 'Ada Example',
    birthDate: '1962-05-14',
    weightKg: 72,
    diagnosis: { date: '2024-03-01', confirmed: true, grade: 'G2', functional: false, primarySizeMm: 24 },
    stagingComplete: true,
    activeSurveillance: false,
    burden: 'non-liver-dominant',
    suspectedRecurrence: false,
    symptoms: [],
    constraints: {
      mriContraindicated: false,
      mriReason: null,
      iodinatedContrastContraindicated: false,
      gadoliniumContraindicated: false,
      eGFR: 80,
    },
    treatments: [{ kind: 'prrt', date: '2025-01-15', completeResection: null }],
    requestedProcedure: null,
    ...overrides,
  }
}

/**
 * A treated patient whose treatment date is not recorded: with no study on file, the first study
 * (the response assessment) is due now, counted from today, so the first step is `imaging-now`.
 * (With a dated treatment it is counted from the treatment.)
 */
export const TREATMENT_UNDATED = {
  treatments: [{ kind: 'prrt' as const, date: null, completeResection: null }],
}

/**
 * Creates a patient the way the patient service does (audited, in its own write transaction),
 * without running the engine on it.
 */
export function addPatient(db: ReadableDb, actor: Actor, input: PatientInput): PatientRecord {
  return writeTx(db, (tx) => createPatientInTx(tx, actor, input))
}

/** Replaces a patient's facts the way the patient service does (audited), without running the engine. */
export function changePatient(db: ReadableDb, actor: Actor, id: number, input: PatientInput): PatientRecord {
  return writeTx(db, (tx) => updatePatientInTx(tx, actor, id, input))
}
