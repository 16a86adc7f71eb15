import { useId, useState } from 'react'
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components'
import type { CalendarIdentity, RequestOf } from '../../../../electron/contract/contract'
import { CALENDAR_IDENTITIES } from '../../../../engine'
import { call } from '../../api'
import { saveExport } from './save'

const IDENTITY_LABELS: Readonly<Record<CalendarIdentity, string>> = {
  'initials-mrn': 'Initials and MRN',
  mrn: 'MRN only',
  'name-mrn': 'Full name and MRN',
}

interface Props {
  isOpen: boolean
  /** What goes in the calendar: the worklist's tab and filter, or one patient. */
  scope: RequestOf<'exports.calendar'>['scope']
  /** "the 12 steps of Overdue and due", "Ada Example's next step". */
  what: string
  onClose: (message: string | null) => void
}

/**
 * Saves an `.ics` file of the due windows in scope. The person chooses how much of the patient
 * the events name (initials and MRN unless they choose otherwise) and how early the reminder fires.
 */
export function CalendarDialog({ isOpen, scope, what, onClose }: Props) {
  const [identify, setIdentify] = useState<CalendarIdentity>('initials-mrn')
  const [reminder, setReminder] = useState('7')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = useId()
  const save = async () => {
    setBusy(true)
    setError(null)
    const r = await call('exports.calendar', { scope, identify, reminderDays: Number(reminder) })
    setBusy(false)
    if (!r.ok) return setError(r.error.fields?.['reminderDays'] ?? r.error.message)
    saveExport(r.value)
    onClose(
      `Calendar saved: ${r.value.fileName} (${r.value.events} ${r.value.events === 1 ? 'event' : 'events'}).`,
    )
  }
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onClose(null)
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog" aria-labelledby={`${ids}-title`}>
          <Heading slot="title" id={`${ids}-title`} className="dialog__title">
            Save a calendar file (.ics)
          </Heading>
          <div className="dialog__body">
            <p>
              One all-day event per due window for {what}, with a reminder before the window opens. The events
              name the patient only as far as you choose here.
            </p>
            <fieldset>
              <legend>Name the patient by</legend>
              {CALENDAR_IDENTITIES.map((c) => (
                <label key={c} className="check">
                  <input
                    type="radio"
                    name={`${ids}-identify`}
                    value={c}
                    checked={identify === c}
                    onChange={() => setIdentify(c)}
                  />{' '}
                  {IDENTITY_LABELS[c]}
                </label>
              ))}
            </fieldset>
            <label className="field">
              <span className="field__label">Reminder (days before the window opens)</span>
              <input
                type="number"
                min={0}
                max={90}
                step={1}
                value={reminder}
                onChange={(e) => setReminder(e.target.value)}
                aria-invalid={error !== null}
                aria-describedby={error ? `${ids}-error` : undefined}
              />
            </label>
            {error && (
              <p className="field__error" id={`${ids}-error`} role="alert">
                {error}
              </p>
            )}
          </div>
          <div className="form__actions">
            <Button className="button" onPress={() => onClose(null)}>
              Cancel
            </Button>
            <Button className="button button--primary" isDisabled={busy} onPress={() => void save()}>
              Save calendar
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  )
}
