// The guideline pack: the document (./packs/*.json, the built-in one), its schema, and the loaded,
// indexed pack every evaluation reads its ratings, intervals, coefficients, sources and words from.
import builtIn from './packs/acr-pnet-2026.2.json'
import type { DoseRegion, ProcedureId } from '../types'
import { loadPack, type LoadedPack } from './load'

export { loadPack, validatePack, PackValidationError, type LoadedPack, type LoadedVariant } from './load'
export {
  parsePack,
  packSchema,
  packJsonSchema,
  PACK_FORMAT,
  SOURCE_KINDS,
  type ParsedPack,
} from './packSchema'
export {
  RATIONALE_SPEC,
  ALERT_VARIANT_SPEC,
  WORD_SPEC,
  type RationaleName,
  type FixedStepName,
  type SaidStepName,
  type Words,
} from './texts'
export type * from './types'

/** The built-in pack document, as shipped (JSON). */
export const ACR_PNET_DATA: unknown = builtIn

/** The built-in pack, checked and indexed once when the engine is loaded. */
export const ACR_PNET: LoadedPack = loadPack(builtIn)

/** The built-in pack's dose data and alert words, for displays that show them outside an evaluation. */
export const AGENT_DATA = ACR_PNET.agents
export const K_FACTORS = ACR_PNET.kFactors.sets
export const ALERT_WORDS = ACR_PNET.alertWords
export const DEFAULT_CT_REGION: Readonly<Partial<Record<ProcedureId, DoseRegion>>> = Object.fromEntries(
  ACR_PNET.procedures.filter((p) => p.ctRegion !== null).map((p) => [p.id, p.ctRegion]),
)
