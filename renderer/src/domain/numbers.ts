import { NUMBER_LIMITS, type NumberLimit } from '../../../engine'

// Numbers as a form holds them: text. The form's resolver reads the text; the case schema
// (engine/caseSchema.ts) then checks the number against its named limit, and every problem with a
// number (not one, or out of range) is reported in one message that says both.

/** A number as typed: digits with an optional decimal point or comma, and an optional sign. */
const NUMBER_TEXT = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/

/**
 * Reads a number typed into a form field: '' (or blanks) is unknown (null); a decimal comma is
 * accepted; anything else that is not a plain decimal number is `undefined`.
 */
export function readNumber(text: string): number | null | undefined {
  const v = text.trim()
  if (v === '') return null
  if (!NUMBER_TEXT.test(v)) return undefined
  const n = Number(v.replace(',', '.'))
  return Number.isFinite(n) ? n : undefined
}

/** What a measured field accepts, in words: `Weight (kg) must be a number, above 0 and below 700.` */
export function numberMessage(limit: NumberLimit): string {
  const from = limit.minInclusive ? `at least ${limit.min}` : `above ${limit.min}`
  return `${limit.label} must be a number, ${from} and below ${limit.below}.`
}

/** The named limit of a measured field, by its path in a request (`constraints.eGFR`, `lesions.1.diameterMm`). */
export function limitAt(path: string): NumberLimit | undefined {
  const field = path.slice(path.lastIndexOf('.') + 1)
  return Object.hasOwn(NUMBER_LIMITS, field) ? NUMBER_LIMITS[field as keyof typeof NUMBER_LIMITS] : undefined
}

/**
 * Reads the number field at `path` (a request path whose field has a named limit). Text that is
 * not a number is recorded in `refused` under the path, with the field's one message, and read as
 * null so that the schema still checks every other field in the same pass.
 */
export function readNumberAt(text: string, path: string, refused: Record<string, string>): number | null {
  const n = readNumber(text)
  if (n !== undefined) return n
  const limit = limitAt(path)
  refused[path] = limit ? numberMessage(limit) : 'Enter a number.'
  return null
}

/** Text for a number field from a stored value (null: unknown, an empty field). */
export const numberText = (v: number | null): string => (v === null ? '' : String(v))
