import { useMutation, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query'
import { useCallback } from 'react'
import type {
  CallName,
  PatientDetail,
  RequestOf,
  ResultOf,
  Settings,
} from '../../../electron/contract/contract'
import type { Result } from '../api'
import { CallError, fetchValue, toResult } from './fetch'
import { queryKeys } from './keys'

// Every change the renderer makes, as a mutation that invalidates exactly what it changed. The
// `run` of each hook answers with the call's Result (field errors included) for the forms.

export interface CallMutation<K extends CallName> {
  run: (request: RequestOf<K>) => Promise<Result<ResultOf<K>>>
  isPending: boolean
}

function useCallMutation<K extends CallName>(
  name: K,
  after: (qc: QueryClient, value: ResultOf<K>, request: RequestOf<K>) => Promise<unknown> | void,
): CallMutation<K> {
  const qc = useQueryClient()
  const { mutateAsync, isPending } = useMutation({
    mutationKey: [name],
    mutationFn: (request: RequestOf<K>) => fetchValue(name, request),
    // Returned, so `run` settles once the data on screen has been read again.
    onSuccess: (value, request) => after(qc, value, request),
    // Refused as STALE: someone else changed the record since it was read. Everything on screen is
    // read again, so the page shows their change; an open form keeps what was typed in it and the
    // version it opened with (saving it again stays refused until it is reopened).
    onError: (e) => {
      if (e instanceof CallError && e.error.code === 'STALE') return qc.invalidateQueries()
    },
  })
  const run = useCallback((request: RequestOf<K>) => toResult(mutateAsync(request)), [mutateAsync])
  return { run, isPending }
}

const invalidate = (qc: QueryClient, ...keys: QueryKey[]) =>
  Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey })))

/** A new patient: the worklist (its search and, once evaluated, its buckets). */
export function useCreatePatient() {
  return useCallMutation('patients.create', (qc) => invalidate(qc, queryKeys.worklist.all))
}

/** Changed facts re-run the engine: that patient's page and the worklist. */
export function useUpdatePatient() {
  return useCallMutation('patients.update', (qc, _v, req) =>
    invalidate(qc, queryKeys.patients.detail(req.id), queryKeys.worklist.all),
  )
}

/** A study, a result, an item's status or override: that patient's page and the worklist. */
export function useRecordStudy(patientId: number) {
  return useCallMutation('studies.record', (qc) =>
    invalidate(qc, queryKeys.patients.detail(patientId), queryKeys.worklist.all),
  )
}
export function useSetStudyResult(patientId: number) {
  return useCallMutation('studies.setResult', (qc) =>
    invalidate(qc, queryKeys.patients.detail(patientId), queryKeys.worklist.all),
  )
}
export function useSetItemStatus(patientId: number) {
  return useCallMutation('followup.setStatus', (qc) =>
    invalidate(qc, queryKeys.patients.detail(patientId), queryKeys.worklist.all),
  )
}
export function useOverrideItem(patientId: number) {
  return useCallMutation('followup.override', (qc) =>
    invalidate(qc, queryKeys.patients.detail(patientId), queryKeys.worklist.all),
  )
}

/**
 * Biomarker values and the note are the radiologist's record beside the guideline: the engine
 * reads neither, so only that patient's page changes (no recommendation, no worklist row).
 */
export function useAddBiomarker(patientId: number) {
  return useCallMutation('biomarkers.add', (qc) => invalidate(qc, queryKeys.patients.detail(patientId)))
}
export function useRemoveBiomarker(patientId: number) {
  return useCallMutation('biomarkers.remove', (qc) => invalidate(qc, queryKeys.patients.detail(patientId)))
}
export function useSetNote(patientId: number) {
  return useCallMutation('notes.set', (qc) => invalidate(qc, queryKeys.patients.detail(patientId)))
}

/**
 * Settings come back whole and replace the cached ones. The dose settings also recompute every
 * patient's cumulative dose, and a site rule re-evaluates every open case: the worklist and every
 * patient page. Theme and the first-run choice change nothing else.
 */
export function useUpdateSettings() {
  return useCallMutation('settings.update', (qc, value: Settings, req) => {
    qc.setQueryData(queryKeys.settings, value)
    if (req.kFactors !== undefined || req.cu64DotatateMsvPerMbq !== undefined) {
      // The re-dose runs as a background job (top bar); its end reads the worklist again.
      return invalidate(qc, queryKeys.worklist.all, queryKeys.patients.all, queryKeys.jobs)
    }
    // A site rule on or off re-evaluates every open case (its alert appears or goes).
    if (req.siteRules !== undefined) {
      return invalidate(qc, queryKeys.packs, queryKeys.worklist.all, queryKeys.patients.all)
    }
  })
}

/** The demo patients appear: the demo state and the worklist. */
export function useLoadDemo() {
  return useCallMutation('demo.load', (qc) => invalidate(qc, queryKeys.demo, queryKeys.worklist.all))
}

/** The demo patients go: the demo state, the worklist, and the cached pages of those patients. */
export function useRemoveDemo() {
  return useCallMutation('demo.remove', (qc) => {
    qc.removeQueries({
      queryKey: queryKeys.patients.all,
      predicate: (q) => (q.state.data as PatientDetail | undefined)?.patient.isDemo === true,
    })
    return invalidate(qc, queryKeys.demo, queryKeys.worklist.all)
  })
}

/** A backup (a background job, shown in the top bar) changes nothing on screen. */
export function useBackup() {
  return useCallMutation('app.backup', (qc) => invalidate(qc, queryKeys.jobs))
}

/**
 * The follow-up lifecycle's commands on one patient (corrections, decisions, exits, undo): each
 * changes that patient's page and the worklist (its buckets, counts and the left list).
 */
export type PatientCommand =
  | 'studies.update'
  | 'studies.markError'
  | 'studies.restore'
  | 'treatments.update'
  | 'treatments.markError'
  | 'treatments.restore'
  | 'patients.markError'
  | 'patients.restore'
  | 'patients.undo'
  | 'followup.doneElsewhere'
  | 'followup.recordDecision'
  | 'surveillance.leave'
  | 'surveillance.reopen'
export function usePatientCommand<K extends PatientCommand>(name: K, patientId: number) {
  return useCallMutation(name, (qc) =>
    invalidate(qc, queryKeys.patients.detail(patientId), queryKeys.worklist.all),
  )
}

/** An imported pack is stored inactive: only the pack list changes. */
export function useImportPack() {
  return useCallMutation('packs.import', (qc) => invalidate(qc, queryKeys.packs))
}

/** A comparison is a dry run: nothing changes. */
export function useComparePack() {
  return useCallMutation('packs.compare', () => undefined)
}

/**
 * Adopting or reverting a pack re-evaluates every open case: the packs, the worklist and every
 * patient page.
 */
export function useAdoptPack() {
  return useCallMutation('packs.adopt', (qc) =>
    invalidate(qc, queryKeys.packs, queryKeys.worklist.all, queryKeys.patients.all),
  )
}
export function useRevertPack() {
  return useCallMutation('packs.revert', (qc) =>
    invalidate(qc, queryKeys.packs, queryKeys.worklist.all, queryKeys.patients.all),
  )
}

/** A PACS endpoint saved or removed: the list. */
export function useSavePacs() {
  return useCallMutation('pacs.save', (qc) => invalidate(qc, queryKeys.pacs))
}
export function useRemovePacs() {
  return useCallMutation('pacs.remove', (qc) => invalidate(qc, queryKeys.pacs))
}

/** A procedure mapping saved or removed: the table. */
export function useSaveMapping() {
  return useCallMutation('mappings.save', (qc) => invalidate(qc, queryKeys.mappings))
}
export function useRemoveMapping() {
  return useCallMutation('mappings.remove', (qc) => invalidate(qc, queryKeys.mappings))
}

/**
 * A sign-in, the first account, a lock or a sign-out: the session as the back end now has it.
 * Everything cached was read by the account before: it is dropped, so the next account reads anew.
 */
function useSessionMutation<
  K extends 'session.signIn' | 'session.createFirst' | 'session.lock' | 'session.signOut',
>(name: K) {
  return useCallMutation(name, (qc, value) => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] })
    qc.setQueryData(queryKeys.session, value)
  })
}
export const useSignIn = () => useSessionMutation('session.signIn')
export const useCreateFirstAccount = () => useSessionMutation('session.createFirst')
export const useLock = () => useSessionMutation('session.lock')
export const useSignOut = () => useSessionMutation('session.signOut')

export function useChangeOwnPassword() {
  return useCallMutation('users.changePassword', (qc, value) => {
    qc.setQueryData(queryKeys.session, value)
  })
}

/** Account changes (the Users screen): the list, and the session (one's own name or role). */
export function useCreateUser() {
  return useCallMutation('users.create', (qc) => invalidate(qc, queryKeys.users))
}
export function useUpdateUser() {
  return useCallMutation('users.update', (qc) => invalidate(qc, queryKeys.users, queryKeys.session))
}
export function useResetPassword() {
  return useCallMutation('users.resetPassword', (qc) => invalidate(qc, queryKeys.users))
}
