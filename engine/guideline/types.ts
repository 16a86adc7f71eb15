// The shape of a guideline pack: declared once, by the zod schema of the document
// (./packSchema.ts); these are its types.
export type {
  AgentData,
  CellEntry,
  IntervalEntry,
  OfferEntry,
  PackDocument,
  PackDocument as GuidelinePackData,
  PackProblem,
  ProcedureEntry,
  RrlBand,
  SiteRuleEntry,
  SourceEntry,
  SourceKind,
  TypicalDose,
  VariantEntry,
} from './packSchema'
