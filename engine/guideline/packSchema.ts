// The guideline pack document (`pnet-guideline-pack/1`), declared once, in zod. A pack is a JSON
// file (engine/guideline/packs/*.json is the built-in one; a site imports others): the variants and
// the facts that place a case, the procedures with their rating, relative radiation level and
// provenance, the intervals, the dose coefficients, the sources, the site rules and the words of
// every rationale step and alert (./texts.ts says which words the rules need). `parsePack` checks
// a document against the shape and then against itself (every source cited exists and fits the
// provenance, every procedure and variant is there once, every offer is rated, every text fills
// only what its rule provides) and lists every problem with its path and why.
// `npm run schema:pack` publishes the shape as docs/guideline-pack.schema.json.
import { z } from 'zod'
import {
  AGENTS,
  ALERT_CODES,
  DOSE_REGIONS,
  K_FACTOR_SETS,
  MODALITIES,
  PROCEDURE_IDS,
  PROVENANCES,
  RATINGS,
  RRL_LEVELS,
  VARIANT_IDS,
} from '../types'
import { ALERT_VARIANT_SPEC, RATIONALE_SPEC, WORD_PARAMS, WORD_SPEC, placeholders } from './texts'

export const PACK_FORMAT = 'pnet-guideline-pack/1'

/**
 * How a source was read: `seed` the founding article; `seen` read at its address; `secondary`
 * read in a digest, reproduction or summary standing in for the address cited; `app-rule`,
 * `inferred`, `computed` a product decision, a reasoned default, arithmetic (no address).
 */
export const SOURCE_KINDS = ['seed', 'seen', 'secondary', 'app-rule', 'inferred', 'computed'] as const

const text = z.string().trim().min(1, 'must not be empty')
const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or - (a source key)')
const months = z.number().int('must be a whole number of months').min(0, 'must be 0 or more')
const msv = z.number().min(0, 'must be 0 or more').max(1000, 'must be below 1000 mSv')

const sourceSchema = z.strictObject({
  key,
  kind: z.enum(SOURCE_KINDS),
  title: text,
  url: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) address')
    .nullable(),
  note: text.optional(),
})

const rrlBandSchema = z.strictObject({
  level: z.enum(RRL_LEVELS),
  adultMinMsv: msv,
  adultMaxMsv: msv.nullable(),
  source: key,
})

const typicalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), msv, source: key, note: text.optional() }),
  z.strictObject({
    kind: z.literal('radiopharmaceutical'),
    agent: z.enum(AGENTS),
    source: key,
    note: text.optional(),
  }),
])

const procedureSchema = z.strictObject({
  id: z.enum(PROCEDURE_IDS),
  acrName: text,
  label: text,
  modality: z.enum(MODALITIES),
  contrast: z.enum(['iodinated', 'gadolinium']).nullable(),
  rrl: z.enum(RRL_LEVELS).nullable(),
  rrlSource: key.nullable(),
  typical: typicalSchema,
  /** Region of the CT (or the CT part) when the study did not record one. */
  ctRegion: z.enum(DOSE_REGIONS).nullable(),
})

const activitySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('per-kg'),
    mbqPerKg: z.number().positive('must be more than 0'),
    capMbq: z.number().positive('must be more than 0'),
    withoutWeightMbq: z.number().positive('must be more than 0'),
    source: key,
  }),
  z.strictObject({ kind: z.literal('fixed'), mbq: z.number().positive('must be more than 0'), source: key }),
])

const agentSchema = z.strictObject({
  label: text,
  /** Effective dose per administered activity, mSv/MBq; `null` = not known (never invented). */
  coefficientMsvPerMbq: z
    .number()
    .positive('must be more than 0')
    .max(1, 'must be below 1 mSv/MBq')
    .nullable(),
  coefficientSource: key,
  defaultActivity: activitySchema,
})

const kSetSchema = z.strictObject(
  Object.fromEntries(
    DOSE_REGIONS.map((r) => [
      r,
      z.number().positive('must be more than 0').max(0.1, 'must be below 0.1').nullable(),
    ]),
  ) as Record<(typeof DOSE_REGIONS)[number], z.ZodNullable<z.ZodNumber>>,
)

const intervalSchema = z.strictObject({ min: months, max: months, source: key })
const offerSchema = z.strictObject({ procedures: z.array(z.enum(PROCEDURE_IDS)).min(1), source: key })

const cellSchema = z.strictObject({
  procedure: z.enum(PROCEDURE_IDS),
  rating: z.enum(RATINGS),
  provenance: z.enum(PROVENANCES),
  source: key.nullable(),
})

const variantSchema = z.strictObject({
  id: z.enum(VARIANT_IDS),
  /** Our paraphrase of the scenario (the official ACR wording was not found). */
  title: text,
  /** The facts that place a case in the variant, in words (the rules that test them are code). */
  inclusion: z.array(text).min(1, 'must list the facts that place a case'),
  source: key,
  cells: z.array(cellSchema),
  intervals: z.strictObject({
    routine: intervalSchema.nullable(),
    short: intervalSchema.nullable(),
    baseline: intervalSchema,
    afterResection: intervalSchema.optional(),
  }),
  stopAfterYears: z
    .strictObject({ years: z.number().int().positive('must be a whole number of years > 0'), source: key })
    .optional(),
  offers: z
    .strictObject({
      routine: offerSchema.optional(),
      progression: offerSchema.optional(),
      indeterminate: offerSchema.optional(),
      localizedSymptoms: offerSchema.optional(),
      clinicalSuspicion: offerSchema.optional(),
    })
    .optional(),
})

/**
 * A site rule: adds an alert and a rationale step, never changes the study or its window; off
 * unless `enabled` (or the site's setting) turns it on. Shown as the site's, not the ACR's.
 */
const siteRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id: key,
    kind: z.literal('growth-rate'),
    title: text,
    enabled: z.boolean(),
    /** Tumour growth rate above which the short end of the interval is suggested, %/month. */
    thresholdPctPerMonth: z.number().positive('must be more than 0').max(100, 'must be at most 100'),
    /** The two measured timepoints must be this far apart (months), e.g. about 3 months. */
    minMonths: z.number().positive('must be more than 0'),
    maxMonths: z.number().positive('must be more than 0'),
    source: key,
  }),
])

const rationaleSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(RATIONALE_SPEC).map(([name, spec]) => [
      name,
      spec.source === 'pack' ? z.strictObject({ text, source: key }) : z.strictObject({ text }),
    ]),
  ) as Record<keyof typeof RATIONALE_SPEC, z.ZodObject<{ text: z.ZodString; source?: z.ZodString }>>,
)

const alertsSchema = z.strictObject(
  Object.fromEntries(ALERT_CODES.map((c) => [c, text])) as Record<(typeof ALERT_CODES)[number], z.ZodString>,
)
const alertVariantsSchema = z.strictObject(
  Object.fromEntries(Object.keys(ALERT_VARIANT_SPEC).map((n) => [n, text])) as Record<
    keyof typeof ALERT_VARIANT_SPEC,
    z.ZodString
  >,
)
const wordsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(WORD_SPEC).map(([group, keys]) => [
      group,
      z.strictObject(Object.fromEntries(keys.map((k) => [k, text]))),
    ]),
  ) as { [G in keyof typeof WORD_SPEC]: z.ZodObject<Record<(typeof WORD_SPEC)[G][number], z.ZodString>> },
)

/** The shape of a pack document (checked against itself by `parsePack`). */
export const packSchema = z.strictObject({
  $schema: z.string().optional(),
  format: z.literal(PACK_FORMAT),
  id: key,
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, 'must be a version such as 2026.2'),
  title: text,
  notes: text.optional(),
  sources: z.array(sourceSchema).min(1),
  rrlBands: z.array(rrlBandSchema),
  procedures: z.array(procedureSchema),
  agents: z.strictObject(
    Object.fromEntries(AGENTS.map((a) => [a, agentSchema])) as Record<
      (typeof AGENTS)[number],
      typeof agentSchema
    >,
  ),
  kFactors: z.strictObject({
    source: key,
    sets: z.strictObject(
      Object.fromEntries(K_FACTOR_SETS.map((s) => [s, kSetSchema])) as Record<
        (typeof K_FACTOR_SETS)[number],
        typeof kSetSchema
      >,
    ),
  }),
  variants: z.array(variantSchema),
  siteRules: z.array(siteRuleSchema),
  rationale: rationaleSchema,
  alerts: alertsSchema,
  alertVariants: alertVariantsSchema,
  words: wordsSchema,
})

export type PackDocument = z.infer<typeof packSchema>
export type SourceEntry = z.infer<typeof sourceSchema>
export type SourceKind = (typeof SOURCE_KINDS)[number]
export type RrlBand = z.infer<typeof rrlBandSchema>
export type TypicalDose = z.infer<typeof typicalSchema>
export type ProcedureEntry = z.infer<typeof procedureSchema>
export type AgentData = z.infer<typeof agentSchema>
export type CellEntry = z.infer<typeof cellSchema>
export type IntervalEntry = z.infer<typeof intervalSchema>
export type OfferEntry = z.infer<typeof offerSchema>
export type VariantEntry = z.infer<typeof variantSchema>
export type SiteRuleEntry = z.infer<typeof siteRuleSchema>

export interface PackProblem {
  /** Where in the document, e.g. `variants[1].cells[3].rating`. */
  path: string
  message: string
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/** The cross-references a shape cannot state; every problem with its path. */
function crossChecks(doc: PackDocument): PackProblem[] {
  const problems: PackProblem[] = []
  const bad = (path: string, message: string): void => {
    problems.push({ path, message })
  }
  const kinds = new Map<string, SourceKind>()
  doc.sources.forEach((s, i) => {
    if (kinds.has(s.key)) bad(`sources[${i}].key`, `duplicate source '${s.key}'`)
    kinds.set(s.key, s.kind)
    const needsUrl = s.kind === 'seed' || s.kind === 'seen' || s.kind === 'secondary'
    if (needsUrl && s.url === null)
      bad(`sources[${i}].url`, `a '${s.kind}' source needs the address it cites`)
  })
  const cite = (path: string, k: string | null | undefined): void => {
    if (k !== null && k !== undefined && !kinds.has(k)) bad(path, `unknown source '${k}'`)
  }

  const levels = new Set<string>()
  doc.rrlBands.forEach((b, i) => {
    if (levels.has(b.level)) bad(`rrlBands[${i}].level`, `duplicate RRL level '${b.level}'`)
    levels.add(b.level)
    if (b.adultMaxMsv !== null && b.adultMaxMsv < b.adultMinMsv)
      bad(`rrlBands[${i}]`, `band min ${b.adultMinMsv} > max ${b.adultMaxMsv}`)
    cite(`rrlBands[${i}].source`, b.source)
  })

  const procedures = new Set<string>()
  doc.procedures.forEach((p, i) => {
    const at = `procedures[${i}]`
    if (procedures.has(p.id)) bad(`${at}.id`, `duplicate procedure '${p.id}'`)
    procedures.add(p.id)
    if (p.rrl !== null && p.rrlSource === null)
      bad(`${at}.rrlSource`, 'a relative radiation level needs its source')
    if (p.rrl === null && p.rrlSource !== null)
      bad(`${at}.rrlSource`, 'no relative radiation level, so no source')
    cite(`${at}.rrlSource`, p.rrlSource)
    cite(`${at}.typical.source`, p.typical.source)
  })
  for (const id of PROCEDURE_IDS) if (!procedures.has(id)) bad('procedures', `procedure '${id}' is missing`)

  for (const a of AGENTS) {
    const at = `agents.${a}`
    const agent = doc.agents[a]
    cite(`${at}.coefficientSource`, agent.coefficientSource)
    cite(`${at}.defaultActivity.source`, agent.defaultActivity.source)
    const act = agent.defaultActivity
    if (act.kind === 'per-kg' && act.withoutWeightMbq > act.capMbq)
      bad(`${at}.defaultActivity.withoutWeightMbq`, `above the cap of ${act.capMbq} MBq`)
  }
  cite('kFactors.source', doc.kFactors.source)
  if (Object.values(doc.kFactors.sets.aapm96).some((k) => k === null))
    bad('kFactors.sets.aapm96', 'the default set needs a value for every region')

  const variants = new Set<string>()
  doc.variants.forEach((v, i) => {
    const at = `variants[${i}]`
    if (variants.has(v.id)) bad(`${at}.id`, `duplicate variant '${v.id}'`)
    variants.add(v.id)
    cite(`${at}.source`, v.source)
    const rated = new Map<string, string>()
    v.cells.forEach((c, j) => {
      const cat = `${at}.cells[${j}]`
      if (rated.has(c.procedure)) bad(`${cat}.procedure`, `duplicate cell for '${c.procedure}'`)
      rated.set(c.procedure, c.rating)
      if ((c.rating === 'not-loaded') !== (c.provenance === 'not-loaded'))
        return bad(cat, 'a not-loaded rating must have not-loaded provenance, and only it')
      if (c.provenance === 'not-loaded') {
        if (c.source !== null) bad(`${cat}.source`, 'a not-loaded cell has no source')
        return
      }
      if (c.source === null) return bad(`${cat}.source`, 'a rating needs its source')
      const kind = kinds.get(c.source)
      if (kind === undefined) return bad(`${cat}.source`, `unknown source '${c.source}'`)
      if (kind !== c.provenance)
        bad(
          `${cat}.source`,
          `provenance '${c.provenance}' needs a '${c.provenance}' source, not a '${kind}' one`,
        )
    })
    for (const [name, iv] of Object.entries(v.intervals)) {
      if (iv === null || iv === undefined) continue
      if (iv.min > iv.max) bad(`${at}.intervals.${name}`, `interval min ${iv.min} > max ${iv.max}`)
      cite(`${at}.intervals.${name}.source`, iv.source)
    }
    if (v.stopAfterYears) cite(`${at}.stopAfterYears.source`, v.stopAfterYears.source)
    for (const [name, offer] of Object.entries(v.offers ?? {})) {
      if (!offer) continue
      cite(`${at}.offers.${name}.source`, offer.source)
      offer.procedures.forEach((p, k) => {
        const r = rated.get(p)
        if (r !== 'usually-appropriate' && r !== 'may-be-appropriate')
          bad(`${at}.offers.${name}.procedures[${k}]`, `offers '${p}', which has no appropriate rating here`)
      })
    }
  })
  for (const id of VARIANT_IDS) if (!variants.has(id)) bad('variants', `variant '${id}' is missing`)

  const ruleIds = new Set<string>()
  doc.siteRules.forEach((r, i) => {
    if (ruleIds.has(r.id)) bad(`siteRules[${i}].id`, `duplicate site rule '${r.id}'`)
    ruleIds.add(r.id)
    cite(`siteRules[${i}].source`, r.source)
    if (r.minMonths > r.maxMonths)
      bad(`siteRules[${i}]`, `minMonths ${r.minMonths} > maxMonths ${r.maxMonths}`)
  })

  const checkText = (path: string, t: string, allowed: readonly string[]): void => {
    for (const p of placeholders(t)) {
      if (!allowed.includes(p))
        bad(
          path,
          allowed.length === 0
            ? `{${p}}: this text has nothing to fill in`
            : `{${p}} is not filled in here (only ${allowed.map((a) => `{${a}}`).join(', ')})`,
        )
    }
  }
  for (const [name, spec] of Object.entries(RATIONALE_SPEC)) {
    const entry = doc.rationale[name as keyof typeof RATIONALE_SPEC] as { text: string; source?: string }
    checkText(`rationale.${name}.text`, entry.text, spec.params)
    if (entry.source !== undefined) cite(`rationale.${name}.source`, entry.source)
  }
  for (const code of ALERT_CODES) checkText(`alerts.${code}`, doc.alerts[code], [])
  for (const [name, spec] of Object.entries(ALERT_VARIANT_SPEC))
    checkText(
      `alertVariants.${name}`,
      doc.alertVariants[name as keyof typeof ALERT_VARIANT_SPEC],
      spec.params,
    )
  for (const [group, keys] of Object.entries(WORD_SPEC)) {
    const params = WORD_PARAMS[group as keyof typeof WORD_SPEC] ?? {}
    for (const k of keys) {
      const words = doc.words[group as keyof typeof WORD_SPEC] as Record<string, string>
      checkText(`words.${group}.${k}`, words[k] as string, params[k] ?? [])
    }
  }
  return problems
}

export type ParsedPack = { ok: true; pack: PackDocument } | { ok: false; problems: PackProblem[] }

/**
 * Check a pack document: its shape, then (when the shape is right) its cross-references. Every
 * problem is listed, each with its path and why; a pack with any problem is refused whole.
 *
 * @example parsePack({ ...doc, variants: [] }) // { ok: false, problems: [{ path: 'variants', ... }] }
 */
export function parsePack(json: unknown): ParsedPack {
  const r = packSchema.safeParse(json, { reportInput: true })
  if (!r.success) return { ok: false, problems: r.error.issues.flatMap(problemsOf) }
  const problems = crossChecks(r.data)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pack: r.data }
}

/** A zod issue as a person reads it: the path, the value found and what was expected. */
function problemsOf(issue: z.core.$ZodIssue): PackProblem[] {
  const path = pathOf(issue.path)
  const input = (issue as { input?: unknown }).input
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({
        path: path === '' ? k : `${path}.${k}`,
        message: 'unknown field (not part of pnet-guideline-pack/1)',
      }))
    case 'invalid_type':
      return [
        {
          path,
          message:
            input === undefined
              ? `missing (expected ${issue.expected})`
              : `expected ${issue.expected}, got ${JSON.stringify(input)}`,
        },
      ]
    case 'invalid_value':
      return [
        {
          path,
          message: `${JSON.stringify(input)} is not allowed here (expected ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`,
        },
      ]
    case 'invalid_union': {
      // A discriminated union reports at its discriminator (`typical.kind`): name that value.
      const last = issue.path[issue.path.length - 1]
      const value =
        typeof input === 'object' && input !== null && typeof last === 'string' && last in input
          ? (input as Record<string, unknown>)[last]
          : input
      return [{ path, message: `${JSON.stringify(value)} is not a known kind here` }]
    }
    default:
      return [
        {
          path,
          message: input === undefined ? issue.message : `${issue.message}, not ${JSON.stringify(input)}`,
        },
      ]
  }
}

/** The JSON Schema of the pack document (`npm run schema:pack` writes docs/guideline-pack.schema.json). */
export function packJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(packSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
}
