import { appendAudit } from '../../../db/audit'
import type { ReadableDb } from '../../../db/tx'
import { countDemoPatients, deleteDemoPatient, listDemoPatients } from '../../../db/queries/patients'
import { writeTx } from '../../../db/tx'
import type { IsoDate, PatientInput, StudyInput } from '../../../db/types'
import { addDays, addMonths } from '../../../engine/dates'
import { recordStudyInTx, reevaluateInTx, type FollowUpContext } from './followup'
import { createPatientInTx } from './patients'

// A small synthetic log so a new user sees the app working at once. Every name is invented and
// every patient it creates is recorded in `demo_patients`; "Remove demo patients" deletes exactly
// those. The MRN plays no part: a real patient whose MRN starts with "DEMO-" is a real patient.

type Facts = Partial<PatientInput> & Pick<PatientInput, 'mrn' | 'name'>

const NO_DOSE: StudyInput['dose'] = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}

function facts(f: Facts): PatientInput {
  return {
    birthDate: null,
    weightKg: null,
    diagnosis: { date: null, confirmed: true, grade: 'G2', functional: false, primarySizeMm: null },
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
      eGFR: null,
    },
    treatments: [],
    requestedProcedure: null,
    ...f,
  }
}

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

function study(
  date: IsoDate,
  procedure: StudyInput['procedure'],
  result: StudyInput['result'],
  extra: Partial<StudyInput> = {},
): StudyInput {
  return { date, procedure, result, lesions: [], dose: NO_DOSE, note: null, ...extra }
}

/** The demo patients, dated relative to `today` so the worklist has overdue, due and upcoming work. */
export function demoPatients(today: IsoDate): Array<{ facts: PatientInput; studies: StudyInput[] }> {
  const m = (n: number) => addMonths(today, n)
  return [
    {
      facts: facts({
        mrn: 'DEMO-0001',
        name: 'Alvarez, Rosa',
        birthDate: '1963-04-11',
        weightKg: 68,
        treatments: [{ kind: 'prrt', date: m(-20), completeResection: null }],
      }),
      studies: [study(m(-13), MRI, 'response'), study(m(-7), MRI, 'stable')],
    },
    {
      facts: facts({
        mrn: 'DEMO-0002',
        name: 'Becker, Jonas',
        birthDate: '1955-09-02',
        weightKg: 84,
        treatments: [{ kind: 'somatostatin-analog', date: m(-30), completeResection: null }],
        constraints: {
          mriContraindicated: true,
          mriReason: 'MR-unsafe pacemaker',
          iodinatedContrastContraindicated: false,
          gadoliniumContraindicated: false,
          eGFR: 52,
        },
      }),
      studies: [
        study(m(-14), CT, 'stable', {
          dose: { ...NO_DOSE, ctdiVolMgy: 11.2, dlpMgyCm: 620, region: 'abdomen-pelvis' },
        }),
      ],
    },
    {
      facts: facts({
        mrn: 'DEMO-0003',
        name: 'Chen, Li',
        birthDate: '1971-01-23',
        weightKg: 59,
        treatments: [{ kind: 'prrt', date: m(-10), completeResection: null }],
      }),
      studies: [
        study(m(-8), MRI, 'stable'),
        study(addDays(m(-2), -3), MRI, 'indeterminate', { note: 'New 7 mm liver focus, not clearly tumour' }),
      ],
    },
    {
      facts: facts({
        mrn: 'DEMO-0004',
        name: 'Dubois, Claire',
        birthDate: '1968-06-30',
        weightKg: 71,
        treatments: [{ kind: 'chemotherapy', date: m(-18), completeResection: null }],
      }),
      studies: [
        study(m(-12), MRI, 'stable', {
          lesions: [
            { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 34, status: null },
            { id: 'T2', organ: 'lymph node', nodal: true, role: 'target', diameterMm: 18, status: null },
          ],
        }),
        study(m(-6), MRI, 'response', {
          lesions: [
            { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 28, status: null },
            { id: 'T2', organ: 'lymph node', nodal: true, role: 'target', diameterMm: 14, status: null },
          ],
        }),
        study(addDays(today, -9), MRI, null, {
          lesions: [
            { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 34, status: null },
            { id: 'T2', organ: 'lymph node', nodal: true, role: 'target', diameterMm: 18, status: null },
          ],
        }),
      ],
    },
    {
      facts: facts({
        mrn: 'DEMO-0005',
        name: 'Eriksen, Nils',
        birthDate: '1959-12-14',
        weightKg: 90,
        burden: null,
        diagnosis: { date: m(-16), confirmed: true, grade: 'G1', functional: false, primarySizeMm: 22 },
        treatments: [{ kind: 'resection', date: m(-15), completeResection: true }],
      }),
      studies: [
        study(m(-11), CT, 'no-evidence-of-disease', {
          dose: { ...NO_DOSE, dlpMgyCm: 540, region: 'abdomen-pelvis' },
        }),
      ],
    },
    {
      facts: facts({
        mrn: 'DEMO-0006',
        name: 'Fischer, Anna',
        birthDate: '1966-03-08',
        weightKg: 64,
        activeSurveillance: true,
        diagnosis: { date: m(-26), confirmed: true, grade: 'G1', functional: false, primarySizeMm: 14 },
      }),
      studies: [study(m(-15), MRI, 'stable'), study(m(-3), MRI, 'stable')],
    },
    {
      facts: facts({
        mrn: 'DEMO-0007',
        name: 'Garcia, Mateo',
        birthDate: '1958-07-19',
        weightKg: 77,
        burden: 'liver-dominant',
        treatments: [{ kind: 'liver-directed', date: m(-14), completeResection: null }],
      }),
      studies: [study(m(-11), MRI, 'stable')],
    },
    {
      facts: facts({
        mrn: 'DEMO-0008',
        name: 'Haddad, Samir',
        birthDate: '1961-11-27',
        weightKg: 95,
        treatments: [{ kind: 'prrt', date: m(-24), completeResection: null }],
      }),
      studies: [
        study(m(-22), DOTATATE, 'stable', {
          dose: {
            ...NO_DOSE,
            agent: 'ga68-dotatate',
            activityMbq: 185,
            dlpMgyCm: 480,
            region: 'chest-abdomen-pelvis',
          },
        }),
        study(m(-16), CT, 'stable', {
          dose: { ...NO_DOSE, ctdiVolMgy: 12.5, dlpMgyCm: 700, region: 'abdomen-pelvis' },
        }),
        study(m(-5), MRI, 'stable'),
      ],
    },
    {
      facts: facts({
        mrn: 'DEMO-0009',
        name: 'Ito, Yuki',
        birthDate: '1975-05-05',
        weightKg: 55,
        burden: null,
        stagingComplete: false,
        diagnosis: {
          date: addDays(today, -20),
          confirmed: true,
          grade: null,
          functional: null,
          primarySizeMm: 26,
        },
      }),
      studies: [],
    },
    {
      facts: facts({
        mrn: 'DEMO-0010',
        name: 'Jensen, Mette',
        birthDate: '1960-02-16',
        weightKg: 70,
        burden: null,
        suspectedRecurrence: true,
        symptoms: ['rising-biomarkers'],
        treatments: [{ kind: 'resection', date: m(-40), completeResection: true }],
      }),
      studies: [
        study(m(-9), CT, 'no-evidence-of-disease', {
          dose: { ...NO_DOSE, dlpMgyCm: 590, region: 'abdomen-pelvis' },
        }),
      ],
    },
  ]
}

/** How many patients the demo log loaded are still in the log (the banner shows while any are). */
export function demoStatus(db: ReadableDb): { patients: number } {
  return { patients: countDemoPatients(db) }
}

/** Loads the demo patients (once: refused if any demo patient is already there), in one transaction. */
export function loadDemo(ctx: FollowUpContext): { patients: number } {
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    if (countDemoPatients(tx) > 0) return { patients: 0 }
    const list = demoPatients(ctx.today())
    for (const d of list) {
      const p = createPatientInTx(tx, actor, d.facts, { isDemo: true })
      if (d.studies.length === 0) reevaluateInTx(ctx, tx, p.id, 'facts-changed')
      for (const s of d.studies) recordStudyInTx(ctx, tx, p.id, s)
    }
    appendAudit(tx, actor, {
      action: 'demo.load',
      entity: 'patient',
      entityId: null,
      before: null,
      after: { patients: list.length },
    })
    return { patients: list.length }
  })
}

/** Deletes every patient the demo loaded and all that hangs off them; real patients are never touched. */
export function removeDemo(ctx: FollowUpContext): { removed: number } {
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    const ids = listDemoPatients(tx)
    for (const { id, mrn } of ids) {
      deleteDemoPatient(tx, id)
      appendAudit(tx, actor, {
        action: 'demo.remove',
        entity: 'patient',
        entityId: id,
        before: { mrn, isDemo: true },
        after: null,
      })
    }
    return { removed: ids.length }
  })
}
