// The fixed steps of the recommendation's rationale (those whose words do not depend on the
// case): our own words, each with its source (a key of the guideline pack's sources) and the rule
// that fires it. Built once, frozen, and shared by every evaluation.
import type { RationaleStep } from './types'

/** A fixed rationale step, shared by every evaluation (frozen). */
function fixedStep(text: string, source: string, rule: string): RationaleStep {
  return Object.freeze({ text, source, rule })
}

/** The fixed rationale steps, by name. */
export const RATIONALE = {
  outside: fixedStep(
    'No variant of the guideline pack fits these facts, so the engine does not choose a study: a clinician decides the next step.',
    'app-rule',
    'outside-topic',
  ),
  missing: fixedStep(
    'A fact that decides the variant is unknown. Once it is recorded the case can be placed; until then a clinician decides.',
    'app-rule',
    'missing-facts',
  ),
  endSurveillance: fixedStep(
    'Ten years or more have passed since the complete resection: routine imaging stops, and further studies are ordered only when clinically indicated.',
    'nccn_digest_b',
    'post-resection.stop',
  ),
  tenYears: fixedStep(
    'Consensus advice is to follow a resected pancreatic NET for at least 10 years.',
    'commnets_jama',
    'post-resection.stop',
  ),
  progressionSeed: fixedStep(
    'The latest study shows progression (a clear new lesion or clear growth): the next step is a multidisciplinary neuroendocrine tumour board, not another routine scan.',
    'seed',
    'progression.tumor-board',
  ),
  progressionOther: fixedStep(
    'The latest study shows progression: the case goes to the tumour board. The source for this variant gives no next step, so this is an engine rule.',
    'app-rule',
    'progression.tumor-board',
  ),
  progressionOffer: fixedStep(
    'The board may add DOTATATE PET/CT (also usually appropriate here), not instead of the board but before deciding: it shows whether the progressing lesions still carry somatostatin receptors, which matters if further PRRT is considered.',
    'seed',
    'progression.offer',
  ),
  noFeasible: fixedStep(
    'Every study with a verified rating for this variant is ruled out by the patient\u2019s constraints. A study without a verified rating is never put in its place: the radiologist chooses.',
    'app-rule',
    'no-verified-alternative',
  ),
  noRoutineStudy: fixedStep(
    'Every study the source offers as the routine follow-up study is ruled out for this patient, and the source names no fallback: the engine chooses no study. A clinician reviews the options below, each with its rating.',
    'app-rule',
    'review.no-routine-study',
  ),
  hybridCtWithoutContrast: fixedStep(
    'Its CT part would have to be done without iodinated contrast (a low-dose CT for attenuation correction and localisation), which gives less anatomic detail than a diagnostic contrast CT.',
    'inferred',
    'review.option-ct-part',
  ),
  onlyVerified: fixedStep(
    'The other studies have no verified rating for this variant, so they are not offered.',
    'app-rule',
    'candidates.verified-only',
  ),
  bestMri: fixedStep(
    'MRI of the abdomen and pelvis without and with contrast is the preferred study: usually appropriate, free of ionising radiation over years of follow-up, and the sharpest soft-tissue view of pancreas, nodes and peritoneum.',
    'seed',
    'choose.mri',
  ),
  ctWhenNoMri: fixedStep(
    'MRI cannot be done for this patient; CT of the abdomen and pelvis with contrast is also usually appropriate and is the named fallback (it adds ionising radiation, RRL 1-10 mSv).',
    'seed',
    'choose.ct-when-mri-contraindicated',
  ),
  mriContraindicated: fixedStep(
    'MRI is contraindicated for this patient (for example an MR-unsafe implant), so MRI studies are left out.',
    'bmj_cied',
    'constraint.mri',
  ),
  gadoliniumContraindicated: fixedStep(
    'Gadolinium contrast is contraindicated, so contrast-enhanced MRI is left out.',
    'app-rule',
    'constraint.gadolinium',
  ),
  iodinatedContraindicated: fixedStep(
    'Iodinated contrast is contraindicated, so contrast-enhanced CT is left out; premedication or another approach is the radiologist\u2019s call.',
    'premed',
    'constraint.iodinated',
  ),
  egfr30Iodinated: fixedStep(
    'eGFR below 30: a needed contrast CT is not withheld on kidney grounds alone, but IV saline prophylaxis is indicated unless the patient is on dialysis.',
    'acr_nkf_iodine',
    'constraint.egfr',
  ),
  egfr30Gadolinium: fixedStep(
    'eGFR below 30: contrast MRI remains possible with a group II gadolinium agent.',
    'acr_nkf_gadolinium',
    'constraint.egfr',
  ),
  egfr3044Iodinated: fixedStep(
    'eGFR 30 to 44: saline prophylaxis before contrast CT is decided case by case when the risk is high.',
    'acr_nkf_iodine',
    'constraint.egfr',
  ),
  egfrUnknown: fixedStep(
    'Kidney function is not recorded and the patient is over 60 (or of unknown age): check eGFR before contrast CT.',
    'acr_manual_risk',
    'constraint.egfr',
  ),
  mriUnknown: fixedStep(
    'Whether MRI is safe for this patient is not recorded; confirm it before ordering.',
    'app-rule',
    'constraint.unknown',
  ),
  contrastUnknown: fixedStep(
    'Whether the needed contrast agent is safe for this patient is not recorded; confirm it before ordering.',
    'app-rule',
    'constraint.unknown',
  ),
  responseUndated: fixedStep(
    'No read study is on file and the treatment date is not recorded: the response assessment is due now. Record the treatment date to time it.',
    'app-rule',
    'interval.first-response',
  ),
  stagingNow: fixedStep(
    'Staging is recorded as not complete and no study is read: the staging study is due now, counted from the evaluation date.',
    'app-rule',
    'staging.now',
  ),
  stagingNowRead: fixedStep(
    'Staging is recorded as not complete, so the staging study is due now, counted from the evaluation date; a study on file does not change a recorded fact.',
    'app-rule',
    'staging.now',
  ),
  noInterval: fixedStep(
    'The pack gives this variant no interval after a read study: a clinician decides the next step.',
    'app-rule',
    'interval.none',
  ),
  baselineNow: fixedStep(
    'No read study is on file, so the first (baseline) study is due now, counted from the evaluation date.',
    'app-rule',
    'interval.baseline',
  ),
  afterResection: fixedStep(
    'First study after a complete resection: from about 3 months (12 weeks) to 12 months after surgery.',
    'nccn_digest_b',
    'interval.after-resection',
  ),
  postResectionRoutine: fixedStep(
    'Routine surveillance after resection: one study every 6 to 12 months. Digests of the NCCN guideline disagree (some say every 1 to 2 years after the first year), so clinicians should confirm.',
    'nccn_digest_a',
    'interval.routine',
  ),
  priors: fixedStep(
    'No earlier study is on file: make sure the radiologist has all prior imaging, which is what separates true progression from post-treatment change or long-standing findings.',
    'seed',
    'pitfall.priors',
  ),
  priorsRule: fixedStep(
    'No earlier study is on file: make sure the radiologist has all prior imaging to compare with. (An engine rule here: the founding article gives this advice for follow-up of non-liver-dominant disease, which this variant is not.)',
    'app-rule',
    'pitfall.priors',
  ),
  protocol: fixedStep(
    'Ask for a dedicated multiphasic pancreas protocol (arterial-phase and portal-venous-phase imaging), not a routine abdominal study: these tumours are hypervascular.',
    'seed',
    'pitfall.protocol',
  ),
  protocolRule: fixedStep(
    'Ask for a dedicated multiphasic pancreas protocol (arterial-phase and portal-venous-phase imaging), not a routine abdominal study. (An engine rule here: the founding article gives this advice for follow-up of non-liver-dominant disease, which this variant is not.)',
    'app-rule',
    'pitfall.protocol',
  ),
  functionalSeed: fixedStep(
    'An equivocal finding is hard to settle on anatomy alone (fibrosis and tumour can look alike); if it could change management, DOTATATE PET/CT is the alternative, and strong uptake would mark it as tumour.',
    'seed',
    'indeterminate.functional',
  ),
  functionalSnmmi: fixedStep(
    'SSTR PET is rated appropriate by the SNMMI for a new indeterminate lesion, but this variant has no verified ACR rating for it; the radiologist decides whether to add it.',
    'snmmi_auc',
    'indeterminate.functional',
  ),
  localizedSeed: fixedStep(
    'New localized symptoms such as bone pain can mean disease outside the abdomen: image that region directly or do a whole-body somatostatin-receptor PET.',
    'seed',
    'pitfall.extra-abdominal',
  ),
  localizedOther: fixedStep(
    'New localized symptoms such as bone pain can mean disease outside the abdomen; studies of other regions have no verified rating here, so the radiologist decides.',
    'app-rule',
    'pitfall.extra-abdominal',
  ),
  postTreatment: fixedStep(
    'PRRT and radiation can leave inflammation and fibrosis that look like progression; compare carefully with the priors.',
    'seed',
    'pitfall.post-treatment-change',
  ),
  postTreatmentRule: fixedStep(
    'PRRT and radiation can leave inflammation and fibrosis that look like progression; compare carefully with the priors. (An engine rule here: the founding article gives this advice for follow-up of non-liver-dominant disease, which this variant is not.)',
    'app-rule',
    'pitfall.post-treatment-change',
  ),
  suspicion: fixedStep(
    'Progression is suspected on clinical or biochemical grounds: image now rather than waiting for the routine interval.',
    'app-rule',
    'suspicion.now',
  ),
  suspicionSstr: fixedStep(
    'Somatostatin-receptor PET is appropriate for restaging when progression is suspected clinically or biochemically but not seen on conventional imaging.',
    'snmmi_auc',
    'suspicion.sstr-pet',
  ),
  overTwoCm: fixedStep(
    'The untreated tumour now measures more than 2 cm; surgery is generally advised above that size, so the tumour board should review it.',
    'small_pnet_review',
    'untreated.size',
  ),
  in111: fixedStep(
    'SSTR PET should replace In-111 pentetreotide scintigraphy wherever the latter would be used.',
    'snmmi_auc',
    'request.in111',
  ),
  petAfterResection: fixedStep(
    'SSTR PET and FDG PET are not advised for routine surveillance after a definitive resection.',
    'nccn_digest_a',
    'request.pet-after-resection',
  ),
  eusNotAppropriate: fixedStep(
    'Endoscopic ultrasound is rated usually not appropriate in this setting: it is invasive and sees neither nodes, peritoneum nor distant disease.',
    'seed',
    'request.eus',
  ),
} as const
