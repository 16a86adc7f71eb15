// The spec of "one owner for transactions and audit" (db/tx.ts, electron/backend/services/audited.ts).
//
// 1. At compile time (`tsc -p tsconfig.test.json`, part of `npm run typecheck`): a query that writes
//    takes a `WritableDb`, which only `writeTx` hands out. Every `@ts-expect-error` below is a call
//    that must NOT compile; if one ever compiles, the directive itself becomes the type error.
// 2. At run time: the WritableDb is the connection inside an IMMEDIATE transaction.
// 3. In the source: queries never open a transaction or write audit rows; services hold no SQL; the
//    audit log has one writer; only db/tx.ts makes a WritableDb.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { appendAudit, type AuditEntry } from '../../db/audit'
import { openDatabase } from '../../db/open'
import { closeItem, insertItem, retargetItem, setOverride, type NewItem } from '../../db/queries/followups'
import { deleteDemoPatient, getPatient, insertPatient, writePatientFacts } from '../../db/queries/patients'
import { insertRecommendation, type NewRecommendation } from '../../db/queries/recommendations'
import { readSetting, writeSetting } from '../../db/queries/settings'
import { insertStudy, setStudyResult } from '../../db/queries/studies'
import { writeDoseSummary, writeSummary } from '../../db/queries/summary'
import { writeTx, type ReadableDb, type WritableDb } from '../../db/tx'
import type { FollowUpOverride, PatientSummaryFacts, StudyInput } from '../../db/types'
import { patientInput, testActor } from '../helpers/db'

const root = path.resolve(__dirname, '..', '..')
const AT = '2026-11-24T10:00:00.000Z'
const DUE = { from: '2026-11-24', to: '2026-11-24' }
const NO_DOSE = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}
const STUDY: StudyInput = {
  date: '2026-11-01',
  procedure: 'us-abdomen',
  result: null,
  lesions: [],
  dose: NO_DOSE,
  note: null,
}
const ITEM: NewItem = {
  patientId: 1,
  recommendationId: null,
  kind: 'imaging',
  procedure: null,
  due: DUE,
  reason: 'x',
  at: AT,
}
const CLOSE: Parameters<typeof closeItem>[2] = {
  status: 'done',
  reasonCode: 'done-elsewhere',
  reasonText: null,
  studyId: null,
  at: AT,
}
const OVERRIDE: FollowUpOverride = {
  procedure: null,
  due: null,
  reasonCode: 'clinician-decision',
  text: null,
}
const RETARGET: Parameters<typeof retargetItem>[2] = { ...ITEM, recommendationId: 1 }
const RECOMMENDATION = {} as NewRecommendation
const SUMMARY = {} as PatientSummaryFacts
const DOSE = { cumulativeMsv: null, doseEstimated: false, doseIncomplete: false }
const ACTOR = testActor()
const AUDIT: AuditEntry = { action: 'x', entity: 'setting', entityId: null, before: null, after: null }

/**
 * Never called: it only has to type-check. Each call hands a write query the plain opened
 * database (a ReadableDb), which the compiler refuses.
 */
function writesOutsideATransaction(db: ReadableDb): void {
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  insertPatient(db, patientInput(), AT)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  writePatientFacts(db, 1, patientInput(), AT)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  deleteDemoPatient(db, 1)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  insertStudy(db, 1, STUDY, AT)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  setStudyResult(db, 1, 'stable')
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  insertItem(db, ITEM)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  closeItem(db, 1, CLOSE)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  setOverride(db, 1, OVERRIDE, AT)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  retargetItem(db, 1, RETARGET)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  insertRecommendation(db, RECOMMENDATION)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  writeSetting(db, 'k', 1)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  writeSummary(db, 1, SUMMARY)
  // @ts-expect-error a write query needs the WritableDb of writeTx, not the opened database
  writeDoseSummary(db, 1, DOSE)
  // @ts-expect-error the audit log is written in the transaction of the change it records
  appendAudit(db, ACTOR, AUDIT)
  // @ts-expect-error the opened database is not a WritableDb, not even by assignment
  const forged: WritableDb = db
  void forged
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(rel)
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : []
  })
}
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8')

/** Functions in `file` whose body holds SQL that writes, with the declared type of their first parameter. */
function writingFunctions(file: string): Array<{ name: string; firstParam: string | null }> {
  const src = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true)
  const out: Array<{ name: string; firstParam: string | null }> = []
  const writesSql = (node: ts.Node): boolean => {
    let found = false
    const visit = (n: ts.Node): void => {
      if (
        (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n)) &&
        /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(n.text)
      )
        found = true
      ts.forEachChild(n, visit)
    }
    visit(node)
    return found
  }
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.body && n.name && writesSql(n.body)) {
      const p = n.parameters[0]
      out.push({ name: n.name.text, firstParam: p?.type ? p.type.getText(src) : null })
    }
    ts.forEachChild(n, visit)
  }
  visit(src)
  return out
}

describe('a write needs a WritableDb (db/tx.ts)', () => {
  it('refuses the opened database at compile time (see the @ts-expect-error calls above)', () => {
    // The proof is the type check; this only keeps the function referenced.
    expect(typeof writesOutsideATransaction).toBe('function')
  })

  it('hands out the connection inside an IMMEDIATE transaction, and a WritableDb is also a ReadableDb', () => {
    const db = openDatabase(':memory:')
    try {
      expect(db.inTransaction).toBe(false)
      const value = writeTx(db, (tx) => {
        expect(tx).toBe(db)
        expect(tx.inTransaction).toBe(true)
        writeSetting(tx, 'spec', { ok: true })
        const reader: ReadableDb = tx
        return readSetting(reader, 'spec', null)
      })
      expect(value).toEqual({ ok: true })
      expect(db.inTransaction).toBe(false)
      expect(getPatient(db, 1)).toBeNull()
    } finally {
      db.close()
    }
  })

  it('stores nothing of a transaction whose function throws', () => {
    const db = openDatabase(':memory:')
    try {
      expect(() =>
        writeTx(db, (tx) => {
          writeSetting(tx, 'spec', 1)
          throw new Error('later step failed')
        }),
      ).toThrow('later step failed')
      expect(readSetting(db, 'spec', null)).toBeNull()
    } finally {
      db.close()
    }
  })

  it('every function in db/ that runs writing SQL takes a WritableDb first', () => {
    const files = sourceFiles('db').filter((f) => !f.startsWith('db/migrations/'))
    const found = files.flatMap((f) => writingFunctions(f).map((w) => ({ file: f, ...w })))
    expect(found.length).toBeGreaterThan(10)
    // The one exception: the type-ahead's tokenizer writes to a scratch in-memory database of its
    // own (to ask SQLite how it splits a text), never to the log.
    const scratch = (w: { file: string; name: string }) =>
      w.file === 'db/queries/search.ts' && w.name === 'tokenize'
    expect(found.filter((w) => w.firstParam !== 'WritableDb' && !scratch(w))).toEqual([])
  })

  it('only db/tx.ts turns a connection into a WritableDb', () => {
    const offenders = ['db', 'electron', 'renderer', 'engine', 'test', 'scripts']
      .flatMap(sourceFiles)
      .filter((f) => f !== 'db/tx.ts' && /\bas\s+WritableDb\b/.test(read(f)))
    expect(offenders).toEqual([])
  })
})

describe('services own the transaction and the audit (electron/backend/services)', () => {
  it('no query opens a transaction', () => {
    const offenders = sourceFiles('db/queries').filter((f) => /\bwriteTx\b|\.transaction\(/.test(read(f)))
    expect(offenders).toEqual([])
  })

  it('no query writes the audit log; appendAudit is the only writer of audit_log', () => {
    // Queries may read the audit log (db/queries/audit.ts, the audit trail as people read it), never write it.
    expect(
      sourceFiles('db/queries').filter((f) =>
        /appendAudit|INSERT\s+INTO\s+audit_log|UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log/i.test(read(f)),
      ),
    ).toEqual([])
    const writers = ['db', 'electron']
      .flatMap(sourceFiles)
      .filter((f) => !f.startsWith('db/migrations/') && /INSERT\s+INTO\s+audit_log/i.test(read(f)))
    expect(writers).toEqual(['db/audit.ts'])
  })

  it('services and handlers hold no SQL: they call queries with the WritableDb of their writeTx', () => {
    const files = [...sourceFiles('electron/backend')]
    expect(files.filter((f) => /\.prepare\(|\.exec\(/.test(read(f)))).toEqual([])
  })

  it('a change of a patient, study or follow-up item is audited only through audited.ts', () => {
    // appendAudit by hand is left for audit rows that are not a record read back: the
    // recommendation summary, settings, and the demo log's load and removal.
    const direct = sourceFiles('electron/backend').flatMap((f) =>
      [...read(f).matchAll(/appendAudit\([^{]*\{\s*action:\s*'([^']+)',\s*entity:\s*'([^']+)'/g)].map(
        (m) => `${f}: ${m[1]} ${m[2]}`,
      ),
    )
    expect(direct.sort()).toEqual([
      'electron/backend/services/demo.ts: demo.load patient',
      'electron/backend/services/demo.ts: demo.remove patient',
      'electron/backend/services/lifecycle.ts: recommendation.create recommendation',
      'electron/backend/services/settings.ts: settings.update setting',
    ])
    const calls = sourceFiles('electron/backend').flatMap((f) =>
      (read(f).match(/appendAudit\(/g) ?? []).map(() => f),
    )
    expect(calls.sort()).toEqual([
      // auditedInsert, auditedChange, auditedDelete, auditedNote, auditedRestore, auditUndoEntry,
      // auditedInterop, auditedAccess, auditedAccount, auditedSession
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/audited.ts',
      'electron/backend/services/demo.ts',
      'electron/backend/services/demo.ts',
      'electron/backend/services/lifecycle.ts',
      'electron/backend/services/settings.ts',
    ])
  })
})
