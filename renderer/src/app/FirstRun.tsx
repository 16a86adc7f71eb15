import { useState } from 'react'

/** The first-run choice: start with an empty log, or try the app on a small invented demo log. */
export function FirstRun({ onChosen }: { onChosen: (demo: boolean) => Promise<void> }) {
  const [busy, setBusy] = useState(false)
  const choose = async (demo: boolean) => {
    setBusy(true)
    await onChosen(demo)
  }
  return (
    <main className="shell shell--center">
      <section className="panel first-run" aria-labelledby="first-run-title">
        <h1 id="first-run-title">Welcome to pNET Follow-up</h1>
        <p>
          The follow-up log on this computer is empty. You can start with it empty, or load ten invented demo
          patients to see the worklist, the recommendations and the dose ledger at work. Demo patients are
          marked “demo” and can be removed at any time with one button.
        </p>
        <div className="form__actions">
          <button className="button button--primary" disabled={busy} onClick={() => void choose(true)}>
            Load the demo log
          </button>
          <button className="button" disabled={busy} onClick={() => void choose(false)}>
            Start with an empty log
          </button>
        </div>
      </section>
    </main>
  )
}
