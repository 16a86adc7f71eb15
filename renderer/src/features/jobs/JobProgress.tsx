import type { JobProgress as Progress } from '../../../../electron/contract/contract'

/** A long job's progress bar with its phase and a Cancel button (nothing is kept on cancel). */
export function JobProgress({
  label,
  progress,
  onCancel,
}: {
  label: string
  progress: Progress
  onCancel?: () => void
}) {
  const known = progress.total !== null && progress.total > 0
  return (
    <div className="job" data-testid="job-progress">
      <label className="job__label">
        <span>
          {label}: {progress.phase}
          {known
            ? ` — ${progress.done.toLocaleString('en')} of ${progress.total!.toLocaleString('en')}`
            : '…'}
        </span>
        <progress
          className="job__bar"
          value={known ? progress.done : undefined}
          max={known ? progress.total! : undefined}
        />
      </label>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  )
}
