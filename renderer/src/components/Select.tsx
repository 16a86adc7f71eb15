import { useId, type ComponentPropsWithRef } from 'react'
import { FieldLabel } from './Field'

/** A select's props (a `ref` included, e.g. react-hook-form's `register`), less its id. */
interface SelectProps extends Omit<ComponentPropsWithRef<'select'>, 'id'> {
  label: string
  options: ReadonlyArray<{ value: string; label: string }>
  error?: string | undefined
}

/** A labelled select whose error is announced and tied to it. */
export function Select({ label, options, error, ...select }: SelectProps) {
  const id = useId()
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <FieldLabel htmlFor={id} label={label} required={select.required === true} />
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** Unknown / Yes / No: "not answered" stays unknown and is never read as "no". */
export const TRI_OPTIONS = [
  { value: '', label: 'Unknown' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const
