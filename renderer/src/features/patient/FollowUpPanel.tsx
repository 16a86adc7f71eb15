import { useState, type FormEvent } from 'react'
import type {
  FollowUpItem,
  NextStep,
  OverrideReasonCode,
  ProcedureId,
  ClosingStatus,
  FollowUpItemKind,
  ManualStatusReasonCode,
  SurveillanceExitReason,
  SurveillanceExitRecord,
  TreatmentKind,
} from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { Select } from '../../components/Select'
import { useOverrideItem, usePatientCommand, useSetItemStatus } from '../../data/mutations'
import {
  ITEM_STATUS_LABELS,
  OVERRIDE_REASON_LABELS,
  OVERRIDE_REASON_OPTIONS,
  PROCEDURE_OPTIONS,
  STATUS_REASON_LABELS,
  CANCEL_REASON_OPTIONS,
  DEFERRAL_REASON_LABELS,
  DEFERRAL_REASON_OPTIONS,
  EXIT_REASON_OPTIONS,
  decisionText,
  exitText,
  TREATMENT_OPTIONS,
  procedureName,
  reasonText,
  windowStatus,
} from '../../domain/labels'

type Mode = null | 'override' | Exclude<ClosingStatus, 'done'> | 'decision' | 'leave'

interface Props {
  items: FollowUpItem[]
  /** The current recommendation's next step, to check an override against. */
  next: NextStep | null
  today: string
  /** The current exit from surveillance, if the patient left. */
  exit: SurveillanceExitRecord | null
  patientId: number
  /** Opens the study form for the outside study of the open imaging step. */
  onDoneElsewhere: (itemId: number) => void
  onChanged: (message: string) => void
}

const IMAGING = new Set<FollowUpItemKind>(['imaging', 'imaging-now', 'treatment-response'])
const DECISION = new Set<FollowUpItemKind>(['tumor-board', 'clinician-review'])

/**
 * The open follow-up step with its actions, or why the patient left surveillance; and the
 * history of closed steps. A patient always has one of the two.
 */
export function FollowUpPanel({ items, next, today, exit, patientId, onDoneElsewhere, onChanged }: Props) {
  const open = items.find((i) => i.status === 'scheduled') ?? null
  const closed = items.filter((i) => i.status !== 'scheduled')
  const [mode, setMode] = useState<Mode>(null)
  const done = (m: string | null) => (setMode(null), m && onChanged(m))

  return (
    <section className="panel" aria-labelledby="fu-title" data-testid="followup">
      <h2 id="fu-title">Next follow-up</h2>
      {exit && <ExitView exit={exit} patientId={patientId} onChanged={onChanged} />}
      {!open && !exit && <p className="muted">No open step.</p>}
      {open && <OpenItem item={open} next={next} today={today} />}
      {open && mode === null && (
        <div className="form__actions">
          {IMAGING.has(open.kind) && (
            <>
              <button className="button" onClick={() => setMode('override')}>
                Change study or window…
              </button>
              <button className="button" onClick={() => onDoneElsewhere(open.id)}>
                Done elsewhere…
              </button>
            </>
          )}
          {DECISION.has(open.kind) && (
            <button className="button button--primary" onClick={() => setMode('decision')}>
              {open.kind === 'tumor-board' ? 'Record the board’s decision…' : 'Record the review’s outcome…'}
            </button>
          )}
          <button className="button" onClick={() => setMode('deferred')}>
            Defer…
          </button>
          <button className="button" onClick={() => setMode('cancelled')}>
            Cancel step…
          </button>
          <button className="button button--danger" onClick={() => setMode('leave')}>
            Leave surveillance…
          </button>
        </div>
      )}
      {open && mode === 'override' && <OverrideForm item={open} onDone={done} />}
      {open && (mode === 'cancelled' || mode === 'deferred') && (
        <StatusForm item={open} status={mode} today={today} onDone={done} />
      )}
      {open && mode === 'decision' && <DecisionForm item={open} today={today} next={next} onDone={done} />}
      {open && mode === 'leave' && <LeaveForm patientId={patientId} today={today} onDone={done} />}
      {closed.length > 0 && (
        <details className="history">
          <summary>Earlier items ({closed.length})</summary>
          <ul>
            {closed.map((i) => (
              <li key={i.id}>
                <span className={`tag tag--${i.status}`}>{ITEM_STATUS_LABELS[i.status]}</span>{' '}
                {procedureName(i.override?.procedure ?? i.procedure)} · due {i.due.from} – {i.due.to}
                {i.statusReasonCode && (
                  <>
                    {' '}
                    ·{' '}
                    {reasonText(
                      STATUS_REASON_LABELS[i.statusReasonCode],
                      i.statusReasonCode,
                      i.statusReasonText,
                    )}
                  </>
                )}
                {!i.statusReasonCode && i.statusReasonText && <> — “{i.statusReasonText}”</>}
                {i.decision && <> · {decisionText(i.decision.decision)}</>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

function OpenItem({ item, next, today }: { item: FollowUpItem; next: NextStep | null; today: string }) {
  const due = item.override?.due ?? item.due
  const status = windowStatus(due, today)
  const chosen = item.override?.procedure ?? null
  const offered = next ? [next.procedure, ...next.alternatives, ...(next.additions ?? [])] : []
  const conflict = chosen !== null && next !== null && !offered.includes(chosen)
  return (
    <div className="item" data-testid="open-item">
      <p>
        <strong>{procedureName(item.override?.procedure ?? item.procedure)}</strong>{' '}
        <span className="muted">· {item.reason}</span>
      </p>
      <p className="mono" data-testid="open-item-due">
        {due.from} – {due.to} <span className={`status status--${status.status}`}>{status.label}</span>
      </p>
      {item.deferralReason && (
        <p className="muted" data-testid="deferral-reason">
          Deferred: {DEFERRAL_REASON_LABELS[item.deferralReason]}
        </p>
      )}
      {item.override && (
        <p className="override" data-testid="override">
          Changed by the radiologist (
          {reasonText(
            OVERRIDE_REASON_LABELS[item.override.reasonCode],
            item.override.reasonCode,
            item.override.text,
          )}
          ). Suggested: {procedureName(item.procedure)}, {item.due.from} – {item.due.to}.
        </p>
      )}
      {conflict && (
        <p className="alert alert--warn" role="alert" data-testid="override-conflict">
          The chosen study is not among those the current recommendation offers (the facts may have changed,
          e.g. a new contraindication). Check the choice.
        </p>
      )}
    </div>
  )
}

function OverrideForm({ item, onDone }: { item: FollowUpItem; onDone: (message: string | null) => void }) {
  const [procedure, setProcedure] = useState<string>(item.override?.procedure ?? item.procedure ?? '')
  const [from, setFrom] = useState(item.override?.due?.from ?? item.due.from)
  const [to, setTo] = useState(item.override?.due?.to ?? item.due.to)
  const [reasonCode, setReasonCode] = useState<OverrideReasonCode>('clinician-decision')
  const [text, setText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const override = useOverrideItem(item.patientId)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const sameProcedure = procedure === (item.procedure ?? '')
    const sameWindow = from === item.due.from && to === item.due.to
    const r = await override.run({
      itemId: item.id,
      procedure: sameProcedure || procedure === '' ? null : (procedure as ProcedureId),
      due: sameWindow ? null : { from, to },
      reasonCode,
      text: text.trim() === '' ? null : text.trim(),
    })
    if (r.ok) return onDone('The change and its reason were saved.')
    setFields(r.error.fields ?? { procedure: r.error.message })
  }

  return (
    <form className="subform" onSubmit={submit} aria-label="Change the suggested study or window" noValidate>
      <div className="form__grid">
        <Select
          label="Study"
          value={procedure}
          onChange={(e) => setProcedure(e.target.value)}
          options={[{ value: '', label: 'As suggested' }, ...PROCEDURE_OPTIONS]}
          error={fields['procedure']}
        />
        <Field
          label="Due from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={fields['due.from']}
        />
        <Field label="Due to" value={to} onChange={(e) => setTo(e.target.value)} error={fields['due.to']} />
        <Select
          label="Reason"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as OverrideReasonCode)}
          options={OVERRIDE_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="Reason in words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['text']}
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Save change
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function StatusForm({
  item,
  status,
  today,
  onDone,
}: {
  item: FollowUpItem
  status: 'cancelled' | 'deferred'
  today: string
  onDone: (message: string | null) => void
}) {
  const [reasonCode, setReasonCode] = useState<ManualStatusReasonCode>(
    status === 'deferred' ? 'scheduling' : 'duplicate',
  )
  const [text, setText] = useState('')
  const [from, setFrom] = useState(item.due.from < today ? today : item.due.from)
  const [to, setTo] = useState(item.due.to < today ? today : item.due.to)
  const [fields, setFields] = useState<Record<string, string>>({})
  const setStatus = useSetItemStatus(item.patientId)
  const verb = status === 'deferred' ? 'Defer' : 'Cancel step'

  async function submit(e: FormEvent) {
    e.preventDefault()
    const r = await setStatus.run({
      itemId: item.id,
      status,
      reasonCode,
      reasonText: text.trim() === '' ? null : text.trim(),
      newDue: status === 'deferred' ? { from, to } : null,
    })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(r.error.fields ?? { reasonCode: r.error.message })
  }

  return (
    <form className="subform" onSubmit={submit} aria-label={verb} noValidate>
      <div className="form__grid">
        <Select
          label="Reason"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as typeof reasonCode)}
          options={status === 'deferred' ? DEFERRAL_REASON_OPTIONS : CANCEL_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="Reason in words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['reasonText']}
        />
        {status === 'deferred' && (
          <>
            <Field
              label="New window from"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              error={fields['newDue.from'] ?? fields['newDue']}
            />
            <Field
              label="New window to"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              error={fields['newDue.to']}
            />
          </>
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          {verb}
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}

/** Why the patient left surveillance, who recorded it and when; reopening follows the guideline again. */
function ExitView({
  exit,
  patientId,
  onChanged,
}: {
  exit: SurveillanceExitRecord
  patientId: number
  onChanged: (m: string) => void
}) {
  const reopen = usePatientCommand('surveillance.reopen', patientId)
  const [error, setError] = useState<string | null>(null)
  return (
    <div className="item" data-testid="left-surveillance">
      <p>
        <strong>Left surveillance</strong> on {exit.date}: {exitText(exit)}
      </p>
      <p className="muted">
        Recorded by {exit.recordedBy} at {exit.recordedAt.slice(0, 16).replace('T', ' ')}
      </p>
      <div className="form__actions">
        <button
          className="button"
          onClick={async () => {
            const r = await reopen.run({ patientId, reason: null })
            if (r.ok) onChanged(r.value.lifecycle.reason)
            else setError(r.error.message)
          }}
        >
          Reopen surveillance
        </button>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

function LeaveForm({
  patientId,
  today,
  onDone,
}: {
  patientId: number
  today: string
  onDone: (message: string | null) => void
}) {
  const [reasonCode, setReasonCode] = useState<SurveillanceExitReason>('surveillance-completed')
  const [text, setText] = useState('')
  const [attempts, setAttempts] = useState('')
  const [date, setDate] = useState(today)
  const [fields, setFields] = useState<Record<string, string>>({})
  const leave = usePatientCommand('surveillance.leave', patientId)
  async function submit(e: FormEvent) {
    e.preventDefault()
    const n = attempts.trim() === '' ? null : Number(attempts)
    const r = await leave.run({
      patientId,
      exit: { reasonCode, text: text.trim() === '' ? null : text.trim(), attempts: n, date },
    })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(
      Object.fromEntries(
        Object.entries(r.error.fields ?? { 'exit.reasonCode': r.error.message }).map(([k, v]) => [
          k.replace(/^exit\./, ''),
          v,
        ]),
      ),
    )
  }
  return (
    <form className="subform" onSubmit={submit} aria-label="Leave surveillance" noValidate>
      <div className="form__grid">
        <Select
          label="Why the patient leaves"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as SurveillanceExitReason)}
          options={EXIT_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="In words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['text']}
        />
        {reasonCode === 'lost-to-follow-up' && (
          <Field
            label="Attempts to reach the patient"
            value={attempts}
            onChange={(e) => setAttempts(e.target.value)}
            error={fields['attempts']}
          />
        )}
        <Field
          label="Date left"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          error={fields['date']}
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--danger">
          Leave surveillance
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}

type DecisionChoice = 'continue-surveillance' | 'further-imaging' | 'new-treatment' | 'leave-surveillance'

/** A tumour board's (or review's) decision; it sets the next step. */
function DecisionForm({
  item,
  today,
  next,
  onDone,
}: {
  item: FollowUpItem
  today: string
  next: NextStep | null
  onDone: (message: string | null) => void
}) {
  const [type, setType] = useState<DecisionChoice>('continue-surveillance')
  const [date, setDate] = useState(today)
  const [procedure, setProcedure] = useState<string>(next?.procedure ?? item.procedure ?? '')
  const [from, setFrom] = useState(today)
  const [to, setTo] = useState(today)
  const [treatment, setTreatment] = useState<TreatmentKind>('somatostatin-analog')
  const [start, setStart] = useState(today)
  const [exitReason, setExitReason] = useState<SurveillanceExitReason>('surveillance-completed')
  const [exitText, setExitText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const record = usePatientCommand('followup.recordDecision', item.patientId)
  async function submit(e: FormEvent) {
    e.preventDefault()
    const decision =
      type === 'new-treatment'
        ? { type, treatment: { kind: treatment, date: start } }
        : type === 'leave-surveillance'
          ? {
              type,
              exit: {
                reasonCode: exitReason,
                text: exitText.trim() === '' ? null : exitText.trim(),
                attempts: null,
                date,
              },
            }
          : { type, procedure: procedure as ProcedureId, due: { from, to } }
    const r = await record.run({ itemId: item.id, date, decision })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(
      Object.fromEntries(
        Object.entries(r.error.fields ?? { 'decision.type': r.error.message }).map(([k, v]) => [
          k.replace(/^decision\./, ''),
          v,
        ]),
      ),
    )
  }
  return (
    <form className="subform" onSubmit={submit} aria-label="Record the decision" noValidate>
      <div className="form__grid">
        <Field
          label="Decision date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          error={fields['date']}
        />
        <Select
          label="Decision"
          value={type}
          onChange={(e) => setType(e.target.value as DecisionChoice)}
          options={[
            { value: 'continue-surveillance', label: 'Continue surveillance' },
            { value: 'further-imaging', label: 'Further imaging (e.g. DOTATATE PET/CT)' },
            { value: 'new-treatment', label: 'New or changed treatment' },
            { value: 'leave-surveillance', label: 'Leave surveillance' },
          ]}
          error={fields['type']}
        />
        {(type === 'continue-surveillance' || type === 'further-imaging') && (
          <>
            <Select
              label="Next study"
              value={procedure}
              onChange={(e) => setProcedure(e.target.value)}
              options={[{ value: '', label: 'Choose…' }, ...PROCEDURE_OPTIONS]}
              error={fields['procedure']}
            />
            <Field
              label="Due from"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              error={fields['due.from']}
            />
            <Field
              label="Due to"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              error={fields['due.to']}
            />
          </>
        )}
        {type === 'new-treatment' && (
          <>
            <Select
              label="Treatment"
              value={treatment}
              onChange={(e) => setTreatment(e.target.value as TreatmentKind)}
              options={TREATMENT_OPTIONS}
              error={fields['treatment.kind']}
            />
            <Field
              label="Treatment start date"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              error={fields['treatment.date']}
            />
          </>
        )}
        {type === 'leave-surveillance' && (
          <>
            <Select
              label="Why the patient leaves"
              value={exitReason}
              onChange={(e) => setExitReason(e.target.value as SurveillanceExitReason)}
              options={EXIT_REASON_OPTIONS}
              error={fields['exit.reasonCode']}
            />
            <Field
              label="In words"
              value={exitText}
              onChange={(e) => setExitText(e.target.value)}
              error={fields['exit.text']}
            />
          </>
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Save decision
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}
