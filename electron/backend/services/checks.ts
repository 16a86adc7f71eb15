import type { IsoDate, PatientInput, StudyInput } from '../../../db/types'

// The rules a typed entry gets beyond its schema (they need today's date or several fields at
// once), as field path → message. The handlers refuse an entry with any; the CSV import reports
// them by row and column. Paths are the entry's own (`birthDate`, `treatments.0.date`, `date`).

export function patientDateProblems(input: PatientInput, today: IsoDate): Record<string, string> {
  const fields: Record<string, string> = {}
  if (input.birthDate && input.birthDate > today) fields['birthDate'] = 'The birth date is in the future.'
  if (input.diagnosis.date && input.diagnosis.date > today)
    fields['diagnosis.date'] = 'The diagnosis date is in the future.'
  if (input.birthDate && input.diagnosis.date && input.diagnosis.date < input.birthDate) {
    fields['diagnosis.date'] = 'The diagnosis date is before the birth date.'
  }
  input.treatments.forEach((t, i) => {
    if (t.date && t.date > today) fields[`treatments.${i}.date`] = 'The treatment date is in the future.'
    if (t.date && input.birthDate && t.date < input.birthDate)
      fields[`treatments.${i}.date`] = 'The treatment date is before the birth date.'
  })
  if (input.constraints.mriContraindicated !== true && input.constraints.mriReason) {
    fields['constraints.mriReason'] = 'A reason is only kept when MRI is contraindicated.'
  }
  return fields
}

export function studyDateProblems(
  s: Pick<StudyInput, 'date'>,
  birthDate: IsoDate | null,
  today: IsoDate,
): Record<string, string> {
  const fields: Record<string, string> = {}
  if (s.date > today) fields['date'] = 'The study date is in the future.'
  if (birthDate && s.date < birthDate) fields['date'] = 'The study date is before the birth date.'
  return fields
}
