import { useState } from 'react'
import type { PatientRecord } from '../../../../electron/contract/contract'
import { call } from '../../api'
import { CalendarDialog } from '../export/CalendarDialog'
import { saveExport } from '../export/save'

/** The patient's plan out of the app: a calendar file, a FHIR bundle, the printable sheet. */
export function PatientExports({
  patient,
  hasOpenStep,
  onOpenSheet,
  onDone,
}: {
  patient: PatientRecord
  hasOpenStep: boolean
  onOpenSheet: () => void
  onDone: (message: string) => void
}) {
  const [calendar, setCalendar] = useState(false)
  const [busy, setBusy] = useState(false)
  return (
    <div className="patient__exports" role="group" aria-label="Export the plan">
      <span className="muted small">Plan out:</span>
      <button className="button button--quiet" onClick={onOpenSheet}>
        Follow-up sheet (print, PDF)
      </button>
      <button className="button button--quiet" disabled={!hasOpenStep} onClick={() => setCalendar(true)}>
        Calendar (.ics)…
      </button>
      <button
        className="button button--quiet"
        disabled={busy}
        onClick={async () => {
          setBusy(true)
          const r = await call('exports.fhir', { patientId: patient.id })
          setBusy(false)
          if (!r.ok) return onDone(`The FHIR bundle was not saved: ${r.error.message}`)
          saveExport(r.value)
          onDone(`FHIR R4 bundle saved: ${r.value.fileName}.`)
        }}
      >
        FHIR (R4)
      </button>
      <CalendarDialog
        isOpen={calendar}
        scope={{ kind: 'patient', patientId: patient.id }}
        what="this patient’s next step"
        onClose={(message) => {
          setCalendar(false)
          if (message) onDone(message)
        }}
      />
    </div>
  )
}
