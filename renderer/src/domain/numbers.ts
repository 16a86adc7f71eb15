/**
 * Reads a number typed into a form field: '' is unknown (null); a decimal comma is accepted;
 * anything else that is not a finite number records `<label> must be a number.` under `key`.
 */
export function numberField(
  value: string,
  key: string,
  label: string,
  fields: Record<string, string>,
): number | null {
  const v = value.trim().replace(',', '.')
  if (v === '') return null
  const n = Number(v)
  if (!Number.isFinite(n)) {
    fields[key] = `${label} must be a number.`
    return null
  }
  return n
}
