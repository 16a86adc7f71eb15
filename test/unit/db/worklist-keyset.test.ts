// Keyset paging of the worklist (db/queries/worklist.ts, migration 95): paging forwards from the
// start, or backwards from the end, through any tab, search, variant and sort visits every row the
// OFFSET query lists exactly once and in its order — with ties on the sort key, names that differ
// only in letter case, and rows with no sort key (no result, no dose, no open step) — whether the
// page is read from the filter or by walking the sort's index. And the tally the tabs are counted
// from stays equal to a count of the open steps through inserts, moves, closes, variant changes,
// error marks and deletions (and the attention list's length and the patients, counted by
// migration 125, equal to their lists, through symptoms recorded and removed too); and the
// word-prefix table type-ahead reads (migrations 115, 130) stays equal to a rebuild from the
// patients through renames, results, doses and new steps as well. A first jump's key index built
// in steps (db/queries/worklist-jump.ts) lets other reads and writes through between them and
// still reads what OFFSET reads.
import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../../../db/open'
import {
  prepareWorklistPage,
  WALK_ABOVE,
  worklistCounts,
  worklistPage,
  worklistSize,
  worklistTotal,
} from '../../../db/queries/worklist'
import { JUMP, keyIndexSteps, type KeyList } from '../../../db/queries/worklist-jump'
import type { WorklistCursor, WorklistQuery, WorklistRow } from '../../../db/types'
import { WORKLIST_BUCKETS, WORKLIST_SORTS, worklistSortKey } from '../../../engine/codes'
import { tempDir } from '../../helpers/db'
import { prefixTableAndRebuild } from '../../helpers/prefix'

const DATES = { today: '2026-11-24', in30Days: '2026-12-24', in90Days: '2027-02-22' }
const AT = '2026-11-24T10:00:00.000Z'
const VARIANTS = ['follow-up-liver-dominant', 'untreated-surveillance'] as const
const NAMES = ['Ada Byron', 'ada byron', 'Émile Borel', 'Zoe Adams', 'Adam Zed', 'Rosalind Franklin']
const DAYS = ['2026-01-10', '2026-11-24', '2026-12-01', '2027-01-15', '2027-06-01']

interface Spec {
  name: number
  variant: number | null
  result: 'stable' | 'progression' | null
  msv: 0 | 1.5 | 7 | null
  item: { from: number; span: number; override: boolean; kind: 'imaging' | 'enter-result' } | null
  inError: boolean
}

const spec: fc.Arbitrary<Spec> = fc.record({
  name: fc.nat(NAMES.length - 1),
  variant: fc.option(fc.nat(VARIANTS.length - 1)),
  result: fc.constantFrom('stable' as const, 'progression' as const, null),
  msv: fc.constantFrom(0 as const, 1.5 as const, 7 as const, null),
  item: fc.option(
    fc.record({
      from: fc.nat(DAYS.length - 1),
      span: fc.constantFrom(0, 40, 200),
      override: fc.boolean(),
      kind: fc.constantFrom('imaging' as const, 'enter-result' as const),
    }),
    { freq: 4 },
  ),
  inError: fc.boolean().map((b) => b && Math.random() < 0.3),
})

let db: DB
let cleanup: () => void
beforeAll(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(path.join(t.dir, 'log.sqlite'))
})
afterAll(() => {
  db.close()
  cleanup()
})

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

function load(specs: readonly Spec[]): void {
  db.exec('DELETE FROM followup_item; DELETE FROM patient;')
  const insP = db.prepare(
    `INSERT INTO patient (id, mrn, name, created_at, updated_at, variant, last_result, cumulative_msv, entered_in_error_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insF = db.prepare(
    `INSERT INTO followup_item (patient_id, kind, procedure, due_from, due_to, override_due_from, override_due_to,
       override_reason_code, reason, status, created_at, updated_at)
     VALUES (?, ?, NULL, ?, ?, ?, ?, ?, 'x', 'scheduled', ?, ?)`,
  )
  db.transaction(() => {
    specs.forEach((s, i) => {
      const id = i + 1
      insP.run(
        id,
        `M${String(id).padStart(3, '0')}`,
        `${NAMES[s.name]} ${id % 3}`,
        AT,
        AT,
        s.variant === null ? null : VARIANTS[s.variant],
        s.result,
        s.msv,
        s.inError ? AT : null,
      )
      if (s.item) {
        const from = DAYS[s.item.from]!
        const [df, dt] = s.item.override ? [DAYS[0]!, addDays(DAYS[0]!, s.item.span)] : [null, null]
        insF.run(
          id,
          s.item.kind,
          from,
          addDays(from, s.item.span),
          df,
          dt,
          s.item.override ? 'clinician-decision' : null,
          AT,
          AT,
        )
      }
    })
  })()
}

type Filter = Omit<WorklistQuery, 'limit' | 'offset' | 'cursor'>
const filter: fc.Arbitrary<Filter> = fc.record(
  {
    bucket: fc.constantFrom(...WORKLIST_BUCKETS),
    search: fc.constantFrom(
      ...['ada', 'a', 'b', 'M0', 'byron ada', 'zz', 'byro', 'emile', 'É', 'adams', 'M00', 'm001', 'zo ad'],
      ...[
        'borel e',
        'ada, byron',
        '1',
        'Ada-B',
        'zedd',
        'franklin',
        'rosali',
        'rosal',
        'franklinx',
        'fr ros',
      ],
    ),
    variant: fc.constantFrom(...VARIANTS),
    sort: fc.constantFrom(...WORKLIST_SORTS),
    descending: fc.boolean(),
  },
  { requiredKeys: ['bucket', 'sort', 'descending'] },
)

const ids = (rows: readonly WorklistRow[]) => rows.map((r) => r.patientId)
const after = (r: WorklistRow, f: Filter, at: 'after' | 'before'): WorklistCursor => ({
  at,
  key: worklistSortKey(r, f.sort),
  patientId: r.patientId,
})

describe('worklist keyset paging', () => {
  it('visits every row of the OFFSET order exactly once, forwards and backwards, read either way', () => {
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 0, maxLength: 40 }),
        filter,
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(0, 1, WALK_ABOVE, 1_000_000),
        (specs, f, limit, walkAbove) => {
          load(specs)
          const expected = ids(worklistPage(db, { ...f, limit: 500, offset: 1 }, DATES, walkAbove))
          const firstRow = worklistPage(db, { ...f, limit: 1, offset: 0 }, DATES, walkAbove)
          const all = [...ids(firstRow), ...expected]
          // Offset pages of any size agree with each other.
          const head = worklistPage(db, { ...f, limit: 500 }, DATES, walkAbove)
          expect(ids(head)).toEqual(all)

          const forward: WorklistRow[] = []
          let page = worklistPage(db, { ...f, limit }, DATES, walkAbove)
          for (let n = 0; page.length > 0 && n < 100; n++) {
            forward.push(...page)
            page = worklistPage(
              db,
              { ...f, limit, cursor: after(page.at(-1)!, f, 'after') },
              DATES,
              walkAbove,
            )
          }
          expect(ids(forward)).toEqual(all)

          const backward: WorklistRow[] = []
          page = worklistPage(db, { ...f, limit, cursor: { at: 'end' } }, DATES, walkAbove)
          for (let n = 0; page.length > 0 && n < 100; n++) {
            backward.unshift(...page)
            page = worklistPage(db, { ...f, limit, cursor: after(page[0]!, f, 'before') }, DATES, walkAbove)
          }
          expect(ids(backward)).toEqual(all)

          const size = worklistSize(db, f, DATES)
          expect(size).toEqual({ total: all.length, exact: true })
        },
      ),
      { numRuns: 150 },
    )
  })

  it('reads a jump to any position from the sparse key index exactly as OFFSET does, and only whole runs of the list once the log changed', () => {
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 0, maxLength: 40 }),
        filter,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(spec, { maxLength: 6 }),
        fc.constantFrom(1, 2, 7, Number.POSITIVE_INFINITY),
        fc.constantFrom(1, 2, 3, JUMP.stepEntries),
        (specs, f, stride, limit, added, stepRows, stepEntries) => {
          load(specs)
          const exact = { ...JUMP, above: Number.POSITIVE_INFINITY, stride, ttlMs: 0 }
          // Built afresh for this log (it changed since the last run), in steps of `stepRows` rows
          // or `stepEntries` entries of the sort's index each read on from the last, then kept
          // while it changes.
          const fresh = { ...JUMP, above: 0, stride, ttlMs: 0, stepRows, stepEntries }
          const sparse = { ...JUMP, above: 0, stride, ttlMs: 60_000, stepRows, stepEntries }
          const all = ids(worklistPage(db, { ...f, limit: 500 }, DATES, WALK_ABOVE, exact))
          for (let offset = 1; offset <= all.length; offset++) {
            const jumped = worklistPage(db, { ...f, limit, offset }, DATES, WALK_ABOVE, fresh)
            expect(ids(jumped)).toEqual(all.slice(offset, offset + limit))
          }
          // Patients added after the index was built (kept: it is younger than ttlMs): a jump may
          // land a few rows off, but reads a run of the list as it is now.
          const insP = db.prepare(
            `INSERT INTO patient (mrn, name, created_at, updated_at, variant, last_result, cumulative_msv)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          const insF = db.prepare(
            `INSERT INTO followup_item (patient_id, kind, procedure, due_from, due_to, reason, status, created_at, updated_at)
             VALUES (?, 'imaging', NULL, ?, ?, 'x', 'scheduled', ?, ?)`,
          )
          added.forEach((a, i) => {
            const id = insP.run(
              `N${i}`,
              NAMES[a.name],
              AT,
              AT,
              a.variant === null ? null : VARIANTS[a.variant],
              a.result,
              a.msv,
            ).lastInsertRowid
            const from = DAYS[a.item?.from ?? 1]!
            insF.run(id, from, addDays(from, a.item?.span ?? 40), AT, AT)
          })
          const now = ids(worklistPage(db, { ...f, limit: 500 }, DATES, WALK_ABOVE, exact))
          for (let offset = 1; offset <= all.length; offset++) {
            const jumped = ids(worklistPage(db, { ...f, limit, offset }, DATES, WALK_ABOVE, sparse))
            if (jumped.length === 0) continue
            const at = now.indexOf(jumped[0]!)
            expect(jumped).toEqual(now.slice(at, at + jumped.length))
            expect(Math.abs(at - offset)).toBeLessThanOrEqual(added.length)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it("builds a first jump's key index in steps with other reads and writes answered between them, and reads what OFFSET reads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 1, maxLength: 40 }),
        filter,
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(1, 2, 3, 7),
        fc.nat(),
        fc.boolean(),
        async (specs, f, stride, stepRows, pick, writes) => {
          load(specs)
          const exact = { ...JUMP, above: Number.POSITIVE_INFINITY, stride }
          // Steps of `stepRows` rows, whatever the clock says (a loaded machine would add pauses);
          // no index of an earlier run is kept (ttlMs 0): each run builds its own.
          const steps = { ...JUMP, stride, ttlMs: 0, stepRows, stepMs: Number.POSITIVE_INFINITY }
          const all = ids(worklistPage(db, { ...f, limit: 500 }, DATES, WALK_ABOVE, exact))
          const offset = all.length === 0 ? 0 : pick % all.length
          const q = { ...f, limit: 3, offset }
          let pauses = 0
          let added = 0
          const pause = async () => {
            pauses++
            await new Promise<void>((resolve) => setImmediate(resolve))
            // Another call answered meanwhile: the tabs' counts, and (some runs) a new patient
            // with an open step.
            worklistCounts(db, DATES)
            if (writes) {
              const id = db
                .prepare(
                  `INSERT INTO patient (mrn, name, created_at, updated_at) VALUES (?, 'Ada Byron', ?, ?)`,
                )
                .run(`W${++added}`, AT, AT).lastInsertRowid
              db.prepare(
                `INSERT INTO followup_item (patient_id, kind, due_from, due_to, reason, status, created_at, updated_at)
                 VALUES (?, 'imaging', '2026-11-24', '2026-12-24', 'x', 'scheduled', ?, ?)`,
              ).run(id, AT, AT)
            }
          }
          // Two jumps into the same list at once share one build.
          await Promise.all([
            prepareWorklistPage(db, q, DATES, pause, steps),
            prepareWorklistPage(db, q, DATES, pause, steps),
          ])
          // One pause after every `stepRows` rows of the pass (a jump within the first stride needs no index).
          expect(pauses).toBe(offset >= stride ? Math.floor(all.length / stepRows) : 0)
          const jumped = ids(worklistPage(db, q, DATES, WALK_ABOVE, steps))
          if (!writes) {
            expect(jumped).toEqual(all.slice(offset, offset + 3))
            return
          }
          // Rows added during the build: the jump lands at most that many rows off, on a run of the
          // list as it is now.
          const now = ids(worklistPage(db, { ...f, limit: 500 }, DATES, WALK_ABOVE, exact))
          if (jumped.length === 0) return
          const at = now.indexOf(jumped[0]!)
          expect(jumped).toEqual(now.slice(at, at + jumped.length))
          expect(Math.abs(at - offset)).toBeLessThanOrEqual(added)
        },
      ),
      {
        numRuns: 150,
        // A list that grew ahead of the walk at every pause (new patients matching the search, due
        // after the cursor) kept the build going: patients created after it began are passed over.
        examples: [
          [
            [
              { name: 0, variant: null, result: 'stable', msv: 0, item: null, inError: false },
              { name: 0, variant: null, result: 'stable', msv: 0, item: null, inError: false },
            ],
            { bucket: 'now', search: 'ada', sort: 'name', descending: true },
            1,
            1,
            747719895,
            true,
          ],
        ],
      },
    )
  })

  it("ends every step of a key index's build after a bounded number of the sort index's entries, however many of them the list's filter passes over", () => {
    // A long run of index entries the list's condition skips (here, patients of another variant
    // between the few listed): a step used to end only when a row came back, so it read the whole
    // run at once. Each entry the segment's statement visits calls `visited()`.
    let visits = 0
    db.function('test_visited', { deterministic: false }, () => {
      visits++
      return 1
    })
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(1, 2, 3),
        fc.boolean(),
        (listed, runAt, stepEntries, stride, descending) => {
          // Listed patients (variant 0) with a run of 60 unlisted ones (variant 1) at `runAt`.
          const variants: Array<0 | 1> = listed.map((l) => (l ? 0 : 1))
          variants.splice(Math.min(runAt, variants.length), 0, ...Array<1>(60).fill(1))
          load(
            variants.map((v) => ({
              name: 0,
              variant: v,
              result: null,
              msv: null,
              item: null,
              inError: false,
            })),
          )
          const list: KeyList = {
            id: 'visits',
            descending,
            most: Number.POSITIVE_INFINITY,
            segments: () => [
              {
                from: 'patient p INDEXED BY patient_name',
                where: `test_visited() AND p.variant = :v`,
                params: { v: VARIANTS[0] },
                key: 'p.name COLLATE NOCASE',
                tie: 'p.id',
                walk: { from: 'patient p INDEXED BY patient_name', where: '1', params: {} },
              },
            ],
          }
          const jump = {
            stride,
            stepEntries,
            stepRows: Number.POSITIVE_INFINITY,
            stepMs: Number.POSITIVE_INFINITY,
          }
          const steps = keyIndexSteps(db, list, jump)
          const perStep: number[] = []
          visits = 0
          let r = steps.next()
          for (; !r.done; r = steps.next()) {
            perStep.push(visits)
            visits = 0
          }
          perStep.push(visits)
          expect(Math.max(...perStep)).toBeLessThanOrEqual(stepEntries)
          // And still every stride-th listed row, in the list's order.
          const rows = db
            .prepare(
              `SELECT p.name COLLATE NOCASE, p.id FROM patient p WHERE p.variant = ?
               ORDER BY p.name COLLATE NOCASE ${descending ? 'DESC' : 'ASC'}, p.id ${descending ? 'DESC' : 'ASC'}`,
            )
            .raw()
            .all(VARIANTS[0]) as Array<[string, number]>
          expect(r.value).toEqual(rows.filter((_, i) => (i + 1) % stride === 0))
        },
      ),
      { numRuns: 100 },
    )
  })

  it("builds a first jump's key index in steps of a bounded number of the sort index's entries when most of them are not listed, and reads what OFFSET reads", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.nat(9).map((n) => n < 3),
          { minLength: 1, maxLength: 60 },
        ),
        fc.constantFrom(...WORKLIST_SORTS),
        fc.boolean(),
        fc.constantFrom(...(['all', 'now', 'overdue', 'upcoming-90'] as const)),
        fc.integer({ min: 2, max: 9 }),
        fc.nat(),
        async (listed, sort, descending, bucket, stepEntries, pick) => {
          // Every patient has an open step; only a few are of the variant asked for, after a run of
          // 60 that are not.
          const item = { from: 0, span: 40, override: false, kind: 'imaging' as const }
          load(
            [...Array<boolean>(60).fill(false), ...listed].map((l, i) => ({
              name: i % NAMES.length,
              variant: l ? 0 : 1,
              result: 'stable',
              msv: 1.5,
              item: { ...item, from: i % DAYS.length },
              inError: false,
            })),
          )
          const f = { bucket, variant: VARIANTS[0], sort, descending }
          const stride = 1
          const exact = { ...JUMP, above: Number.POSITIVE_INFINITY, stride }
          // Steps bounded by the index's entries only (no row count, no clock).
          const steps = { ...JUMP, stride, ttlMs: 0, stepEntries, stepMs: Number.POSITIVE_INFINITY }
          const all = ids(worklistPage(db, { ...f, limit: 500 }, DATES, WALK_ABOVE, exact))
          if (all.length === 0) return
          const q = { ...f, limit: 3, offset: pick % all.length }
          let pauses = 0
          await prepareWorklistPage(db, q, DATES, async () => void pauses++, steps)
          // The walk's range of the sort's index holds at least the 60 unlisted patients (the due
          // sort reads only the bucket's range of due dates, the other sorts every patient).
          const walked = sort === 'due' ? (bucket === 'all' ? 60 + listed.length : 0) : 60 + listed.length
          if (q.offset >= stride) expect(pauses).toBeGreaterThanOrEqual(Math.floor(walked / stepEntries) - 1)
          expect(ids(worklistPage(db, q, DATES, WALK_ABOVE, steps))).toEqual(
            all.slice(q.offset, q.offset + 3),
          )
        },
      ),
      { numRuns: 100 },
    )
  })

  it('keeps the tally equal to a count of the open steps, the attention and patient counts equal to their lists, and the prefix table equal to a rebuild', () => {
    const ops = fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('move' as const), id: fc.nat(29), day: fc.nat(DAYS.length - 1) }),
        fc.record({ op: fc.constant('override' as const), id: fc.nat(29), day: fc.nat(DAYS.length - 1) }),
        fc.record({ op: fc.constant('close' as const), id: fc.nat(29) }),
        fc.record({ op: fc.constant('reopen' as const), id: fc.nat(29) }),
        fc.record({ op: fc.constant('variant' as const), id: fc.nat(29), v: fc.option(fc.nat(1)) }),
        fc.record({ op: fc.constant('error' as const), id: fc.nat(29), on: fc.boolean() }),
        fc.record({ op: fc.constant('delete' as const), id: fc.nat(29) }),
        fc.record({ op: fc.constant('rename' as const), id: fc.nat(29), name: fc.nat(NAMES.length - 1) }),
        fc.record({ op: fc.constant('result' as const), id: fc.nat(29), msv: fc.option(fc.nat(9)) }),
        fc.record({ op: fc.constant('new-step' as const), id: fc.nat(29), day: fc.nat(DAYS.length - 1) }),
        fc.record({
          op: fc.constant('symptom' as const),
          id: fc.nat(29),
          code: fc.constantFrom('flushing', 'pain'),
          on: fc.boolean(),
        }),
      ),
      { maxLength: 25 },
    )
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 30 }), ops, (specs, changes) => {
        load(specs)
        for (const c of changes) {
          const id = c.id + 1
          if (c.op === 'move')
            db.prepare(`UPDATE followup_item SET due_from = ?, due_to = ? WHERE patient_id = ?`).run(
              DAYS[c.day],
              addDays(DAYS[c.day]!, 30),
              id,
            )
          if (c.op === 'override')
            db.prepare(
              `UPDATE followup_item SET override_due_from = ?, override_due_to = ?, override_reason_code = 'clinician-decision' WHERE patient_id = ?`,
            ).run(DAYS[c.day], addDays(DAYS[c.day]!, 10), id)
          if (c.op === 'close')
            db.prepare(`UPDATE followup_item SET status = 'done' WHERE patient_id = ?`).run(id)
          if (c.op === 'reopen')
            db.prepare(`UPDATE followup_item SET status = 'scheduled' WHERE patient_id = ?`).run(id)
          if (c.op === 'variant')
            db.prepare(`UPDATE patient SET variant = ? WHERE id = ?`).run(
              c.v === null ? null : VARIANTS[c.v],
              id,
            )
          if (c.op === 'error')
            db.prepare(`UPDATE patient SET entered_in_error_at = ? WHERE id = ?`).run(c.on ? AT : null, id)
          if (c.op === 'delete') db.prepare(`DELETE FROM patient WHERE id = ?`).run(id)
          if (c.op === 'rename')
            db.prepare(`UPDATE patient SET name = ?, mrn = ? WHERE id = ?`).run(NAMES[c.name], `R${id}`, id)
          if (c.op === 'result')
            db.prepare(`UPDATE patient SET last_result = ?, cumulative_msv = ? WHERE id = ?`).run(
              c.msv === null ? null : 'progression',
              c.msv,
              id,
            )
          if (c.op === 'symptom')
            db.prepare(
              c.on
                ? `INSERT OR IGNORE INTO patient_symptom (patient_id, code) SELECT id, ? FROM patient WHERE id = ?`
                : `DELETE FROM patient_symptom WHERE code = ? AND patient_id = ?`,
            ).run(c.code, id)
          if (c.op === 'new-step') {
            db.prepare(`DELETE FROM followup_item WHERE patient_id = ?`).run(id)
            db.prepare(
              `INSERT INTO followup_item (patient_id, kind, procedure, due_from, due_to, reason, status, created_at, updated_at)
               SELECT id, 'imaging', NULL, ?, ?, 'x', 'scheduled', ?, ? FROM patient WHERE id = ?`,
            ).run(DAYS[c.day], addDays(DAYS[c.day]!, 30), AT, AT, id)
          }
        }
        const counted = (where: string, variant?: string) =>
          db
            .prepare(
              `SELECT count(*) FROM followup_item f JOIN patient p ON p.id = f.patient_id
               WHERE f.status = 'scheduled' AND p.entered_in_error_at IS NULL AND ${where}${variant ? ' AND p.variant = ?' : ''}`,
            )
            .pluck()
            .get(...(variant ? [variant] : [])) as number
        const from = 'coalesce(f.override_due_from, f.due_from)'
        const to = 'coalesce(f.override_due_to, f.due_to)'
        const c = worklistCounts(db, DATES)
        expect(c.overdue).toBe(counted(`${from} <= '${DATES.today}' AND ${to} < '${DATES.today}'`))
        expect(c.due).toBe(counted(`${from} <= '${DATES.today}' AND ${to} >= '${DATES.today}'`))
        expect(c.upcoming30).toBe(counted(`${from} > '${DATES.today}' AND ${from} <= '${DATES.in30Days}'`))
        expect(c.upcoming90).toBe(counted(`${from} > '${DATES.today}' AND ${from} <= '${DATES.in90Days}'`))
        expect(c.scheduled).toBe(counted('1'))
        for (const v of VARIANTS) {
          expect(worklistTotal(db, { bucket: 'all', variant: v }, DATES)).toBe(counted('1', v))
          expect(worklistTotal(db, { bucket: 'now', variant: v }, DATES)).toBe(
            counted(`${from} <= '${DATES.today}'`, v),
          )
        }
        expect(db.prepare('SELECT count(*) FROM worklist_tally WHERE n <= 0').pluck().get()).toBe(0)
        // The attention list's length and the patients (migration 125), against the lists.
        const listed = (variant?: (typeof VARIANTS)[number]) =>
          worklistPage(
            db,
            {
              bucket: 'attention',
              sort: 'due',
              descending: false,
              limit: 500,
              ...(variant ? { variant } : {}),
            },
            DATES,
          ).length
        expect(c.attention).toBe(listed())
        for (const v of VARIANTS)
          expect(worklistTotal(db, { bucket: 'attention', variant: v }, DATES)).toBe(listed(v))
        expect(c.patients).toBe(
          db.prepare('SELECT count(*) FROM patient WHERE entered_in_error_at IS NULL').pluck().get(),
        )
        // The word-prefix table type-ahead reads holds what a rebuild from the patients would.
        const [table, rebuilt] = prefixTableAndRebuild(db)
        expect(table).toEqual(rebuilt)
      }),
      { numRuns: 150 },
    )
  })
})
