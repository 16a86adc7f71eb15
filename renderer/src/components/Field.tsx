import { useId, type ComponentPropsWithRef } from 'react'

/** An input's props (a `ref` included, e.g. react-hook-form's `register`), less its id. */
interface FieldProps extends Omit<ComponentPropsWithRef<'input'>, 'id'> {
  label: string
  error?: string | undefined
  hint?: string
}

/**
 * A field's label and, for a required field, a visible "required" marker beside it. The marker is
 * outside the label (the field's name stays its label); screen readers hear "required" from the
 * input's own `required` state.
 */
export function FieldLabel({
  htmlFor,
  label,
  required,
}: {
  htmlFor: string
  label: string
  required: boolean
}) {
  if (!required) return <label htmlFor={htmlFor}>{label}</label>
  return (
    <span className="field__label">
      <label htmlFor={htmlFor}>{label}</label>
      <span className="field__required" aria-hidden="true">
        required
      </span>
    </span>
  )
}

/**
 * A labelled input whose error is announced and tied to it (aria-describedby). A placeholder
 * (such as the date format, YYYY-MM-DD) is also shown as a visible hint under the field: a
 * placeholder disappears as soon as something is typed, so it cannot be the only hint.
 */
export function Field({ label, error, hint: hintText, ...input }: FieldProps) {
  const id = useId()
  const hint = hintText ?? input.placeholder
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ')
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <FieldLabel htmlFor={id} label={label} required={input.required === true} />
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
