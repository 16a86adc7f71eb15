// The follow-up invariant under random use (issue 8.2). fast-check drives random command sequences
// through the real handlers (the same dispatch path the UI uses) on a fresh in-memory SQLite log
// per sequence, and after every step checks that each patient in the log is in exactly one of:
//   - one open next step, and no current exit from surveillance; or
//   - no open step, and a current exit with its reason, the person who recorded it and the date.
// And that every count the worklist's summary shows (kept by triggers, migrations 95 and 125)
// equals the length of the list it counts, as the same calls read it.
// Every answer is either a value or a refusal a person can act on: never an internal error.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import Database from 'better-sqlite3-multiple-ciphers'
import { applyPragmas, openDatabase, type DB } from '../../../db/open'
import { createHandlers } from '../../../electron/backend/handlers'
import type {
  CallName,
  Handlers,
  RequestOf,
  ResultOf,
  StudyRequest,
} from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { addDays } from '../../../engine/dates'
import { patientInput, localNoon } from '../../helpers/db'

const SEQUENCES = Number(process.env['LIFECYCLE_SEQUENCES'] ?? 1000)
const PROCS = [
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'ct-abdomen-pelvis-with-iv-contrast',
  'dotatate-pet-ct-skull-base-to-mid-thigh',
] as const
const RESULTS = ['stable', 'progression', 'response', 'indeterminate', 'not-read-yet'] as const
const EXITS = [
  'surveillance-completed',
  'deceased',
  'lost-to-follow-up',
  'other',
  'discharged-elsewhere',
] as const

/** One step of a sequence; numbers pick among what exists when it runs (modulo). */
type Command =
  | { c: 'create'; variant: number }
  | { c: 'record'; p: number; daysAgo: number; proc: number; result: number }
  | { c: 'result'; p: number; s: number; result: number }
  | { c: 'cancel'; p: number }
  | { c: 'defer'; p: number; fromIn: number; length: number }
  | { c: 'elsewhere'; p: number; daysAgo: number; proc: number; result: number }
  | { c: 'override'; p: number; proc: number }
  | { c: 'decision'; p: number; kind: number; days: number }
  | { c: 'editStudy'; p: number; s: number; daysAgo: number; result: number }
  | { c: 'studyError'; p: number; s: number }
  | { c: 'studyRestore'; p: number }
  | { c: 'treatmentError'; p: number }
  | { c: 'undo'; p: number }
  | { c: 'facts'; p: number; variant: number }
  | { c: 'leave'; p: number; reason: number; attempts: number }
  | { c: 'reopen'; p: number }
  | { c: 'patientError'; p: number }
  | { c: 'time'; days: number }

const n = (max: number) => fc.nat({ max })
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ c: fc.constant('create' as const), variant: n(3) }),
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('record' as const),
      p: n(9),
      daysAgo: fc.oneof(n(400), fc.constant(46000)),
      proc: n(2),
      result: n(4),
    }),
  },
  fc.record({ c: fc.constant('result' as const), p: n(9), s: n(9), result: n(3) }),
  fc.record({ c: fc.constant('cancel' as const), p: n(9) }),
  fc.record({
    c: fc.constant('defer' as const),
    p: n(9),
    fromIn: fc.integer({ min: -60, max: 200 }),
    length: n(60),
  }),
  fc.record({ c: fc.constant('elsewhere' as const), p: n(9), daysAgo: n(200), proc: n(2), result: n(4) }),
  fc.record({ c: fc.constant('override' as const), p: n(9), proc: n(2) }),
  {
    weight: 2,
    arbitrary: fc.record({ c: fc.constant('decision' as const), p: n(9), kind: n(3), days: n(200) }),
  },
  fc.record({ c: fc.constant('editStudy' as const), p: n(9), s: n(9), daysAgo: n(500), result: n(4) }),
  fc.record({ c: fc.constant('studyError' as const), p: n(9), s: n(9) }),
  fc.record({ c: fc.constant('studyRestore' as const), p: n(9) }),
  fc.record({ c: fc.constant('treatmentError' as const), p: n(9) }),
  { weight: 2, arbitrary: fc.record({ c: fc.constant('undo' as const), p: n(9) }) },
  fc.record({ c: fc.constant('facts' as const), p: n(9), variant: n(3) }),
  fc.record({ c: fc.constant('leave' as const), p: n(9), reason: n(4), attempts: n(3) }),
  fc.record({ c: fc.constant('reopen' as const), p: n(9) }),
  fc.record({ c: fc.constant('patientError' as const), p: n(9) }),
  fc.record({ c: fc.constant('time' as const), days: n(400) }),
)

const noDose = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}
const studyReq = (date: string, proc: number, result: number): StudyRequest => ({
  date,
  procedure: PROCS[proc % PROCS.length]!,
  result: RESULTS[result % RESULTS.length]!,
  lesions: [],
  dose: noDose,
  note: null,
})

/** Patient facts of a few kinds: treated, post-resection, untreated surveillance, liver-dominant. */
function facts(variant: number, mrn: string) {
  switch (variant % 4) {
    case 0:
      return patientInput({ mrn, name: `Pat ${mrn}` })
    case 1:
      return patientInput({
        mrn,
        name: `Res ${mrn}`,
        treatments: [{ kind: 'resection', date: '2016-01-10', completeResection: true }],
      })
    case 2:
      return patientInput({ mrn, name: `Sur ${mrn}`, treatments: [], activeSurveillance: true })
    default:
      return patientInput({ mrn, name: `Liv ${mrn}`, burden: 'liver-dominant', symptoms: ['flushing'] })
  }
}

interface World {
  db: DB
  handlers: Handlers
  now: Date
  mrn: number
}

function today(w: World): string {
  return w.now.toISOString().slice(0, 10)
}

async function call<K extends CallName>(w: World, name: K, req: RequestOf<K>): Promise<ResultOf<K> | null> {
  const r = await dispatch(w.handlers, name, req, () => undefined)
  if (!r.ok) {
    // A refusal is fine (the command did not apply); an internal error never is. Every command names
    // the version of the record as stored, so none is refused as changed since (STALE).
    expect(r.error.code, `${name}: ${r.error.message}`).not.toBe('INTERNAL')
    expect(r.error.code, `${name}: ${r.error.message}`).not.toBe('STALE')
    return null
  }
  return r.value as ResultOf<K>
}

const ids = (w: World, sql: string, ...params: unknown[]): number[] =>
  w.db
    .prepare(sql)
    .pluck()
    .all(...params) as number[]
const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined)
/** A record's stored version: what a page that just read it sends back. */
const versionOf = (w: World, table: 'study' | 'treatment' | 'patient', id: number): number =>
  w.db.prepare(`SELECT version FROM ${table} WHERE id = ?`).pluck().get(id) as number

async function run(w: World, cmd: Command): Promise<void> {
  const patients = ids(w, 'SELECT id FROM patient WHERE entered_in_error_at IS NULL ORDER BY id')
  const all = ids(w, 'SELECT id FROM patient ORDER BY id')
  const p = 'p' in cmd ? pick(cmd.c === 'undo' ? all : patients, cmd.p) : undefined
  const open = (pid: number) =>
    w.db
      .prepare("SELECT id, kind, version FROM followup_item WHERE patient_id = ? AND status = 'scheduled'")
      .get(pid) as { id: number; kind: string; version: number } | undefined
  const t = today(w)
  switch (cmd.c) {
    case 'create':
      await call(w, 'patients.create', facts(cmd.variant, `P-${++w.mrn}`))
      return
    case 'time':
      w.now = new Date(w.now.getTime() + cmd.days * 86_400_000)
      return
  }
  if (p === undefined) return
  switch (cmd.c) {
    case 'record':
      await call(w, 'studies.record', {
        patientId: p,
        study: studyReq(addDays(t, -Math.min(cmd.daysAgo, 40000)), cmd.proc, cmd.result),
      })
      return
    case 'result': {
      const s = pick(ids(w, 'SELECT id FROM study WHERE patient_id = ? ORDER BY id', p), cmd.s)
      if (s !== undefined)
        await call(w, 'studies.setResult', {
          studyId: s,
          version: versionOf(w, 'study', s),
          result: RESULTS[cmd.result % 4]! as 'stable',
        })
      return
    }
    case 'cancel': {
      const o = open(p)
      if (o)
        await call(w, 'followup.setStatus', {
          itemId: o.id,
          version: o.version,
          status: 'cancelled',
          reasonCode: 'scheduling',
          reasonText: null,
          newDue: null,
        })
      return
    }
    case 'defer': {
      const o = open(p)
      const from = addDays(t, cmd.fromIn)
      if (o)
        await call(w, 'followup.setStatus', {
          itemId: o.id,
          version: o.version,
          status: 'deferred',
          reasonCode: 'patient-request',
          reasonText: null,
          newDue: { from, to: addDays(from, cmd.length) },
        })
      return
    }
    case 'elsewhere': {
      const o = open(p)
      if (o)
        await call(w, 'followup.doneElsewhere', {
          itemId: o.id,
          version: o.version,
          study: studyReq(addDays(t, -cmd.daysAgo), cmd.proc, cmd.result),
        })
      return
    }
    case 'override': {
      const o = open(p)
      if (o)
        await call(w, 'followup.override', {
          itemId: o.id,
          version: o.version,
          procedure: PROCS[cmd.proc % PROCS.length]!,
          due: null,
          reasonCode: 'clinician-decision',
          text: null,
        })
      return
    }
    case 'decision': {
      const o = open(p)
      if (!o) return
      const decisions = [
        {
          type: 'continue-surveillance' as const,
          procedure: PROCS[0],
          due: { from: addDays(t, cmd.days), to: addDays(t, cmd.days + 30) },
        },
        { type: 'further-imaging' as const, procedure: PROCS[2], due: { from: t, to: addDays(t, 30) } },
        {
          type: 'new-treatment' as const,
          treatment: { kind: 'somatostatin-analog' as const, date: addDays(t, -(cmd.days % 30)) },
        },
        {
          type: 'leave-surveillance' as const,
          exit: { reasonCode: 'deceased' as const, text: null, attempts: null, date: t },
        },
      ]
      await call(w, 'followup.recordDecision', {
        itemId: o.id,
        version: o.version,
        date: t,
        decision: decisions[cmd.kind % 4]!,
      })
      return
    }
    case 'editStudy': {
      const s = pick(
        ids(w, 'SELECT id FROM study WHERE patient_id = ? AND entered_in_error_at IS NULL ORDER BY id', p),
        cmd.s,
      )
      if (s !== undefined)
        await call(w, 'studies.update', {
          studyId: s,
          version: versionOf(w, 'study', s),
          study: studyReq(addDays(t, -cmd.daysAgo), cmd.s, cmd.result),
        })
      return
    }
    case 'studyError': {
      const s = pick(
        ids(w, 'SELECT id FROM study WHERE patient_id = ? AND entered_in_error_at IS NULL ORDER BY id', p),
        cmd.s,
      )
      if (s !== undefined)
        await call(w, 'studies.markError', {
          studyId: s,
          version: versionOf(w, 'study', s),
          reason: 'wrong patient',
        })
      return
    }
    case 'studyRestore': {
      const s = ids(w, 'SELECT id FROM study WHERE patient_id = ? AND entered_in_error_at IS NOT NULL', p)[0]
      if (s !== undefined) await call(w, 'studies.restore', { studyId: s, version: versionOf(w, 'study', s) })
      return
    }
    case 'treatmentError': {
      const tr = ids(w, 'SELECT id FROM treatment WHERE patient_id = ? AND entered_in_error_at IS NULL', p)[0]
      if (tr !== undefined)
        await call(w, 'treatments.markError', {
          treatmentId: tr,
          version: versionOf(w, 'treatment', tr),
          reason: 'typo',
        })
      return
    }
    case 'undo':
      await call(w, 'patients.undo', { patientId: p })
      return
    case 'facts': {
      const mrn = w.db.prepare('SELECT mrn FROM patient WHERE id = ?').pluck().get(p) as string
      await call(w, 'patients.update', {
        id: p,
        version: versionOf(w, 'patient', p),
        patient: facts(cmd.variant, mrn),
      })
      return
    }
    case 'leave':
      await call(w, 'surveillance.leave', {
        patientId: p,
        exit: {
          reasonCode: EXITS[cmd.reason % EXITS.length]!,
          text: cmd.reason % 2 ? 'moved' : null,
          attempts: cmd.attempts === 0 ? null : cmd.attempts,
          date: t,
        },
      })
      return
    case 'reopen': {
      const exit = w.db
        .prepare('SELECT id, version FROM surveillance_exit WHERE patient_id = ? AND reopened_at IS NULL')
        .get(p) as { id: number; version: number } | undefined
      if (exit)
        await call(w, 'surveillance.reopen', {
          patientId: p,
          exitId: exit.id,
          version: exit.version,
          reason: null,
        })
      return
    }
    case 'patientError':
      if (cmd.p % 5 === 0)
        await call(w, 'patients.markError', {
          id: p,
          version: versionOf(w, 'patient', p),
          reason: 'duplicate record',
        })
      return
  }
}

/** The invariant, for every patient not entered in error. */
function checkInvariant(w: World, after: Command): void {
  const rows = w.db
    .prepare(
      `SELECT p.id,
         (SELECT count(*) FROM followup_item f WHERE f.patient_id = p.id AND f.status = 'scheduled') AS open,
         e.id AS exit_id, e.reason_code, e.recorded_by, e.left_on
       FROM patient p LEFT JOIN surveillance_exit e ON e.patient_id = p.id AND e.reopened_at IS NULL
       WHERE p.entered_in_error_at IS NULL`,
    )
    .all() as Array<{
    id: number
    open: number
    exit_id: number | null
    reason_code: string | null
    recorded_by: string | null
    left_on: string | null
  }>
  for (const r of rows) {
    const underSurveillance = r.open === 1 && r.exit_id === null
    const left = r.open === 0 && r.exit_id !== null && !!r.reason_code && !!r.recorded_by && !!r.left_on
    expect(
      underSurveillance !== left,
      `patient ${r.id} after ${JSON.stringify(after)}: ${JSON.stringify(r)}`,
    ).toBe(true)
  }
}

/** The summary's counts, each against the length of the list it counts (every list read whole). */
async function checkCounts(w: World, after: Command): Promise<void> {
  const summary = await call(w, 'worklist.summary', { bucket: 'all' })
  const length = async (bucket: (typeof TABS)[keyof typeof TABS], variant?: 'untreated-surveillance') => {
    const page = await call(w, 'worklist.page', {
      bucket,
      sort: 'due',
      descending: false,
      limit: 500,
      ...(variant ? { variant } : {}),
    })
    return page!.length
  }
  const lists: Record<string, number> = {}
  for (const [count, bucket] of Object.entries(TABS)) lists[count] = await length(bucket)
  lists['left'] = (await call(w, 'worklist.left', { limit: 500, offset: 0 }))!.items.length
  lists['patients'] = (await call(w, 'patients.list', { limit: 500, offset: 0 }))!.items.length
  expect(summary!.counts, `after ${JSON.stringify(after)}`).toEqual(lists)
  expect(summary!.total).toBe(lists['scheduled'])
  // The attention list's length with the variant filter is a sum over the same rows.
  const attention = await call(w, 'worklist.summary', {
    bucket: 'attention',
    variant: 'untreated-surveillance',
  })
  expect(attention!.total, `after ${JSON.stringify(after)}`).toBe(
    await length('attention', 'untreated-surveillance'),
  )
}
const TABS = {
  overdue: 'overdue',
  due: 'due',
  upcoming30: 'upcoming-30',
  upcoming90: 'upcoming-90',
  scheduled: 'all',
  attention: 'attention',
} as const

let steps = 0
let sequences = 0
let elapsed = 0
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-prop-'))
const template = openDatabase(':memory:')
afterAll(() => {
  template.close()
  fs.rmSync(backupDir, { recursive: true, force: true })
  console.log(
    `[lifecycle property] ${sequences} sequences, ${steps} steps, ${(elapsed / 1000).toFixed(1)} s (${(elapsed / Math.max(1, steps)).toFixed(2)} ms per step)`,
  )
})

describe('the follow-up invariant (property, real handlers, SQLite)', () => {
  it(`holds after every step of ${SEQUENCES} random command sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 10 }), async (cmds) => {
        const start = performance.now()
        // A fresh log per sequence: a copy of one migrated empty log (migrating each time costs
        // more than the sequence itself), with the connection settings every log has.
        const db = new Database(template.serialize()) as DB
        applyPragmas(db, 1000)
        const w: World = {
          db,
          handlers: null as unknown as Handlers,
          now: localNoon('2026-11-24', 10),
          mrn: 0,
        }
        w.handlers = createHandlers({
          db,
          logFile: '',
          actor: { user: 'dr.prop', now: () => w.now },
          transport: 'web',
          dataFile: ':memory:',
          version: 'test',
          backupDir,
          backupError: () => null,
          logStatus: () => ({
            mode: 'writable',
            problems: [],
            since: '',
            checking: false,
            checkedAt: null,
            restored: null,
          }),
        })
        try {
          await run(w, { c: 'create', variant: cmds.length })
          checkInvariant(w, { c: 'create', variant: 0 })
          for (const c of cmds) {
            await run(w, c)
            checkInvariant(w, c)
            await checkCounts(w, c)
            steps++
          }
          expect(verifyAuditChain(db)).toBeNull()
          // Every record still equals its last audit row: no command changed one unaudited
          // (an undo included), so the log's own check at the next open finds nothing.
          expect(fullCheck(db), `after ${JSON.stringify(cmds)}`).toEqual([])
        } finally {
          db.close()
          sequences++
          elapsed += performance.now() - start
        }
      }),
      { numRuns: SEQUENCES },
    )
  }, 600_000)
})
