import { z } from 'zod'
import type { CallName } from './calls'

export type { CallName }
import type { Result } from './result'
import { id, patientInput } from './schemas'
import type { Page, PatientRecord, PatientSummary } from '../../db/types'

export type * from '../../db/types'

// The one contract between the UI and the back end: every call's request schema and result type,
// declared once. Both transports (Electron IPC and the loopback web host) serve exactly this.

export interface AppInfo {
  version: string
  transport: 'electron' | 'web'
  dataFile: string
  schemaVersion: number
  today: string
}

interface CallSpec<Req extends z.ZodType, Res> {
  request: Req
  /** Phantom: carries the result type only. */
  result?: Res
}

/** `spec<Result>()(requestSchema)`: the result type is named, the request type is inferred. */
const spec =
  <Res>() =>
  <Req extends z.ZodType>(request: Req): CallSpec<Req, Res> => ({ request })

export const contract = {
  'app.info': spec<AppInfo>()(z.strictObject({})),
  'patients.list': spec<Page<PatientSummary>>()(
    z.strictObject({
      query: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(500),
      offset: z.number().int().min(0),
    }),
  ),
  'patients.get': spec<PatientRecord>()(z.strictObject({ id })),
  'patients.create': spec<PatientRecord>()(patientInput),
  'patients.update': spec<PatientRecord>()(z.strictObject({ id, patient: patientInput })),
} satisfies { [K in CallName]: CallSpec<z.ZodType, unknown> }

type Contract = typeof contract

export type RequestOf<K extends CallName> = z.input<Contract[K]['request']>
export type ParsedRequestOf<K extends CallName> = z.output<Contract[K]['request']>
export type ResultOf<K extends CallName> = NonNullable<Contract[K]['result']>

/** What `window.pnet` offers, whichever transport is underneath. */
export type PnetApi = { [K in CallName]: (request: RequestOf<K>) => Promise<Result<ResultOf<K>>> }

/** What the back end implements for each call (sync or async). */
export type Handlers = {
  [K in CallName]: (request: ParsedRequestOf<K>) => ResultOf<K> | Promise<ResultOf<K>>
}
