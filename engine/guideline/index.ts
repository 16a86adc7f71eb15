// The guideline pack: data (./acr-pnet.ts), its sources, and the validated, indexed pack.
import { ACR_PNET_DATA } from './acr-pnet'
import { loadPack, type LoadedPack } from './load'

export { ACR_PNET_DATA } from './acr-pnet'
export { SOURCES, type SourceKey } from './sources'
export { loadPack, validatePack, PackValidationError, type LoadedPack, type LoadedVariant } from './load'
export type * from './types'

/** The pNET pack, validated and indexed once when the engine is loaded. */
export const ACR_PNET: LoadedPack = loadPack(ACR_PNET_DATA)
