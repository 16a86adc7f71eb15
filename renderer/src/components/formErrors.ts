import { toNestErrors } from '@hookform/resolvers'
import { useEffect, useRef, useState } from 'react'
import {
  get,
  type FieldError,
  type FieldErrors,
  type FieldValues,
  type Path,
  type Resolver,
  type ResolverOptions,
  type UseFormGetValues,
  type UseFormSetError,
} from 'react-hook-form'
import type { ApiError } from '../api'
import { limitAt, numberMessage } from '../domain/numbers'

// The forms' errors, wherever they come from, land on the field named by the error's path. A form's
// field names are the request's paths (docs/architecture.md, "One schema for a case"):
// `weightKg`, `diagnosis.primarySizeMm`, `treatments.0.date`, `lesions.1.diameterMm`. The resolver
// checks the form with the shared case schema; the back end answers with the same paths, behind
// the request's wrapper (`patient.` for patients.update, `study.` for studies.record).

/** Messages by field path. */
export type FieldMessages = Record<string, string>

/** The form's text turned into a request, with what the form itself refuses (text in a number field). */
export interface Converted<I> {
  input: I
  refused: FieldMessages
}

/**
 * Where a form shows the error for a request path: the name to set it under (a list's own error
 * goes under `<list>.root`), or null when the form has no field for it (it then goes to the summary).
 */
export type FieldFor<V> = (path: string, values: V) => string | null

/** The issue codes of a number that is not one or out of its range (zod's; `refused` is the form's). */
const NUMBER_PROBLEMS = new Set(['invalid_type', 'too_small', 'too_big', 'refused'])

/**
 * A resolver for a form whose field names are the request's paths: `convert` reads the form's text
 * into the request (a number that is not one is refused there), then `check` (the shared schema's
 * zodResolver) checks the request. Every problem with a measured number becomes one message that
 * gives the type and the range (`Weight (kg) must be a number, above 0 and below 700.`), in one pass.
 */
export function caseResolver<V extends FieldValues, I extends FieldValues, O>(
  convert: (values: V) => Converted<I>,
  check: Resolver<I, unknown, O>,
): Resolver<V, unknown, O> {
  return async (values, context, options) => {
    const { input, refused } = convert(values)
    // The same names and fields: the form's field names are the request's paths.
    const checked = await check(input, context, options as unknown as ResolverOptions<I>)
    if (Object.keys(checked.errors).length === 0 && Object.keys(refused).length === 0) {
      return { values: checked.values as O, errors: {} }
    }
    const found = fieldErrorsByPath(checked.errors)
    if (Object.keys(found).length === 0 && Object.keys(refused).length === 0) {
      return { values: {}, errors: checked.errors as FieldErrors<V> }
    }
    for (const [path, message] of Object.entries(refused)) found[path] = { type: 'refused', message }
    for (const [path, error] of Object.entries(found)) {
      const limit = limitAt(path)
      if (limit && NUMBER_PROBLEMS.has(error.type)) found[path] = { ...error, message: numberMessage(limit) }
    }
    return { values: {}, errors: toNestErrors(found, options) }
  }
}

/** Every error of an errors tree by its dot path (a list's own error stays under `<list>.root`). */
function fieldErrorsByPath(errors: FieldErrors, prefix = ''): Record<string, FieldError> {
  const out: Record<string, FieldError> = {}
  for (const [key, value] of Object.entries(errors)) {
    if (value === undefined || value === null || typeof value !== 'object') continue
    const path = `${prefix}${key}`
    if (typeof (value as FieldError).type === 'string') out[path] = value as FieldError
    else Object.assign(out, fieldErrorsByPath(value as FieldErrors, `${path}.`))
  }
  return out
}

/** Every error message of an errors tree by its request path (`lesions.root` as `lesions`). */
export function errorMessages(errors: FieldErrors): FieldMessages {
  const out: FieldMessages = {}
  for (const [path, error] of Object.entries(fieldErrorsByPath(errors))) {
    if (typeof error.message === 'string') out[path.replace(/\.root$/, '')] = error.message
  }
  return out
}

/** The message to show at a path: the field's, or a list's own (`lesions.root`). */
export function messageAt(errors: FieldErrors, path: string): string | undefined {
  const own = (get(errors, path) as FieldError | undefined)?.message
  if (typeof own === 'string') return own
  const list = (get(errors, `${path}.root`) as FieldError | undefined)?.message
  return typeof list === 'string' ? list : undefined
}

/** A refusal's message, ending with what happened to the entry (once, whatever the message says). */
export function refusalText(message: string, outcome = 'Nothing was saved.'): string {
  return /Nothing was (saved|removed|changed)/.test(message) ? message : `${message} ${outcome}`
}

/** The summary above a form, after a refused save. Never speaks of highlighted fields when none is. */
export function summaryText(highlighted: number, others: readonly string[]): string {
  return [
    highlighted > 0 ? 'Please correct the highlighted fields.' : null,
    others.length > 0 ? (highlighted > 0 ? `Also: ${others.join(' ')}` : others.join(' ')) : null,
    'Nothing was saved.',
  ]
    .filter(Boolean)
    .join(' ')
}

/**
 * A form's summary of a refused save, and where focus goes then: the first invalid field (in the
 * order shown), or the summary itself when no field is highlighted. `formRef` goes on the form,
 * `summaryRef` on the summary.
 */
export function useErrorSummary<V extends FieldValues>(
  fieldFor: FieldFor<V>,
  getValues: UseFormGetValues<V>,
  setError: UseFormSetError<V>,
) {
  const [summary, setSummary] = useState<string | null>(null)
  const formRef = useRef<HTMLFormElement>(null)
  const summaryRef = useRef<HTMLParagraphElement>(null)
  // Focus waits for the errors to be on screen: react-hook-form publishes a refused submit's
  // errors after `onInvalid` returns, so they may arrive a commit or two after the summary.
  const pendingFocus = useRef<{ highlighted: number; commits: number } | null>(null)

  useEffect(() => {
    const pending = pendingFocus.current
    if (!pending) return
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
    if (first || pending.highlighted === 0 || ++pending.commits > 3) {
      ;(first ?? summaryRef.current)?.focus()
      pendingFocus.current = null
    }
  })

  const show = (highlighted: number, others: readonly string[], text = summaryText(highlighted, others)) => {
    pendingFocus.current = { highlighted, commits: 0 }
    setSummary(text)
  }

  /** The resolver refused the form: its errors are on their fields already. */
  const onInvalid = (errors: FieldErrors<V>) => {
    const values = getValues()
    let highlighted = 0
    const others: string[] = []
    for (const [path, message] of Object.entries(errorMessages(errors))) {
      if (fieldFor(path, values)) highlighted++
      else others.push(message)
    }
    show(highlighted, others)
  }

  /**
   * The back end refused the save: each field error goes on its field (its key less the request's
   * wrapper `prefix`), the rest into the summary. `fields` defaults to the error's own.
   */
  const onServerError = (error: ApiError, prefix: string, fields = error.fields) => {
    const entries = Object.entries(fields ?? {})
    if (entries.length === 0) return show(0, [], refusalText(error.message))
    const values = getValues()
    let highlighted = 0
    const others: string[] = []
    for (const [key, message] of entries) {
      const path = prefix && key.startsWith(prefix) ? key.slice(prefix.length) : key
      const name = fieldFor(path, values)
      if (name) {
        setError(name as Path<V>, { type: 'server', message })
        highlighted++
      } else others.push(message)
    }
    show(highlighted, others)
  }

  return { summary, formRef, summaryRef, onInvalid, onServerError }
}
