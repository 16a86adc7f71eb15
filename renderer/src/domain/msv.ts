// The one way a dose in millisieverts is written on screen and in the export. The engine keeps
// every dose and every sum in whole microsieverts (so a total is exactly the sum of its parts);
// the sum is rounded once, here, for display: the worklist, the patient page, the ledger, the chart
// and the timeline all call these, so the same dose never reads 21.43 in one place and 21.44 in
// another.

/**
 * Millisieverts to at most two decimals, rounded half up on the decimal value (18.15 → "18.15",
 * 21.435 → "21.44", 9 → "9.0", 0 → "0"): enough to check the arithmetic, no false precision
 * beyond 10 µSv.
 */
export function msvNumber(msv: number): string {
  // Via whole microsieverts (the engine's resolution), so 1.005 rounds to 1.01, not 1.00.
  const usv = Math.round(Math.abs(msv) * 1000)
  const r = (Math.sign(msv) * Math.floor((usv + 5) / 10)) / 100
  if (r === 0) return '0'
  const two = r.toFixed(2)
  return two.endsWith('0') ? r.toFixed(1) : two
}

/** For ranges and rough figures: as `msvNumber` without a trailing `.0` (50, 100, 12.6, 3.15). */
export function msvShort(msv: number): string {
  const text = msvNumber(msv)
  return text.endsWith('.0') ? text.slice(0, -2) : text
}

/** `9.15 mSv`, `≥ 3.15 mSv` when part is unknown, `—` when nothing is known. */
export function msvText(msv: number | null, incomplete = false): string {
  if (msv === null) return '—'
  return `${incomplete ? '≥ ' : ''}${msvNumber(msv)} mSv`
}
