import type { WorklistBucket } from '../../../../electron/contract/contract'
import { BUCKET_LABELS } from '../../domain/labels'

interface Props {
  searching: boolean
  bucket: WorklistBucket
  patients: number
  scheduled: number
  loadingDemo: boolean
  onAddPatient: () => void
  onLoadDemo: () => Promise<void>
  onShowAll: () => void
}

/** What an empty list means, and what to do next. */
export function EmptyState(p: Props) {
  if (p.searching) {
    return (
      <div className="empty" data-testid="worklist-empty">
        <p>No patient matches. Check the spelling, or add the patient with “Add patient” above.</p>
      </div>
    )
  }
  if (p.patients === 0) {
    return (
      <div className="empty" data-testid="worklist-empty">
        <p>
          <strong>The log has no patients yet.</strong> Add your first patient: the app then recommends the
          next study and puts it on this list when it falls due. Or load ten invented demo patients to see the
          worklist at work (they can be removed with one button).
        </p>
        <div className="form__actions">
          <button type="button" className="button button--primary" onClick={p.onAddPatient}>
            Add the first patient
          </button>
          <button
            type="button"
            className="button"
            disabled={p.loadingDemo}
            onClick={() => void p.onLoadDemo()}
          >
            {p.loadingDemo ? 'Loading the demo…' : 'Load the demo patients'}
          </button>
        </div>
      </div>
    )
  }
  return (
    <div className="empty" data-testid="worklist-empty">
      <p>
        No patient in “{BUCKET_LABELS[p.bucket]}”.{' '}
        {p.scheduled > 0
          ? `${p.scheduled} ${p.scheduled === 1 ? 'study is' : 'studies are'} scheduled in all.`
          : 'No study is scheduled for any patient.'}{' '}
        Find a patient by name or MRN above, or add one.
      </p>
      <div className="form__actions">
        {p.bucket !== 'all' && p.scheduled > 0 && (
          <button type="button" className="button" onClick={p.onShowAll}>
            Show all scheduled
          </button>
        )}
        <button type="button" className="button" onClick={p.onAddPatient}>
          Add a patient
        </button>
      </div>
    </div>
  )
}
