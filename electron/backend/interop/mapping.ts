import type { ProcedureId } from '../../../engine'
import type { ProcedureMappingInput } from '../../../db/types'

// Which of our procedures a PACS study is (docs/interop.md), from the site's mapping rules: a rule
// matches a study of its modality whose description holds every keyword as a word (and none of
// its `-word`s) and, when the rule names a body part, one of the study's series has that body part.
// The most specific matching rule wins (more words, then a body part). No rule: not mapped — never
// guessed.

/** Modalities in the order that decides a study's modality (a PET/CT study is PT, not CT). */
const ORDER = ['PT', 'NM', 'CT', 'MR', 'US'] as const
/** Objects that are not images of the patient: they never decide the modality. */
const NOT_IMAGING = new Set(['SR', 'PR', 'KO', 'OT', 'DOC', 'REG', 'SEG', 'RTSTRUCT', 'PLAN'])

export function primaryModality(modalities: readonly string[]): string | null {
  const up = modalities.map((m) => m.trim().toUpperCase()).filter((m) => m && !NOT_IMAGING.has(m))
  for (const m of ORDER) if (up.includes(m)) return m
  return up[0] ?? null
}

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)

/** Keywords as the rule keeps them: lower case, single spaces, `-` for a word that must be absent. */
export function normaliseKeywords(s: string): string {
  return s
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (w.startsWith('-') ? `-${words(w.slice(1)).join('')}` : words(w).join('')))
    .filter((w) => w !== '' && w !== '-')
    .join(' ')
}

export interface StudyToMap {
  modality: string | null
  description: string | null
  bodyParts: readonly string[]
}

export function matchMapping<R extends ProcedureMappingInput & { id: number }>(
  rules: readonly R[],
  study: StudyToMap,
): { procedure: ProcedureId; rule: R } | null {
  if (!study.modality) return null
  const have = new Set(words(study.description ?? ''))
  const parts = new Set(study.bodyParts.map((p) => p.trim().toUpperCase()))
  let best: { rule: R; score: number } | null = null
  for (const rule of rules) {
    if (rule.modality.toUpperCase() !== study.modality.toUpperCase()) continue
    const kws = rule.keywords.split(' ').filter(Boolean)
    const need = kws.filter((k) => !k.startsWith('-'))
    const not = kws.filter((k) => k.startsWith('-')).map((k) => k.slice(1))
    if (!need.every((k) => have.has(k)) || not.some((k) => have.has(k))) continue
    if (rule.bodyPart && !parts.has(rule.bodyPart.toUpperCase())) continue
    const score = need.length * 2 + (rule.bodyPart ? 1 : 0)
    if (!best || score > best.score || (score === best.score && rule.id < best.rule.id))
      best = { rule, score }
  }
  return best ? { procedure: best.rule.procedure, rule: best.rule } : null
}
