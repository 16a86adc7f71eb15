// Every source the pack, the dose tables and the RECIST rules cite. Keys are stable: stored
// recommendations refer to them. Provenance follows ../shared/reference/domain-facts.md.
import type { SourceEntry } from './types'

export const SOURCES = [
  {
    key: 'seed',
    kind: 'seed',
    title:
      'GigHz (2026), Gastrointestinal Imaging: best imaging for follow-up of non-liver-dominant pancreatic neuroendocrine tumours (ACR-based workflow; founding article)',
    url: 'https://gighz.com/what-is-the-best-imaging-for-follow-up-of-non-liver-dominant-pancreatic-neuroend-2026/',
  },
  {
    key: 'gighz_liver',
    kind: 'seen',
    title: 'GigHz (2026): best imaging for follow-up of liver-dominant pNET',
    url: 'https://gighz.com/what-is-the-best-imaging-for-follow-up-of-liver-dominant-pancreatic-neuroendocri-2026/',
  },
  {
    key: 'gighz_postres',
    kind: 'seen',
    title: 'GigHz (2026): imaging for surveillance after pNET resection',
    url: 'https://gighz.com/what-imaging-is-best-for-surveillance-after-pancreatic-neuroendocrine-tumor-rese-2026/',
  },
  {
    key: 'gighz_untreated',
    kind: 'seen',
    title: 'GigHz (2026): imaging for follow-up of an untreated pNET',
    url: 'https://gighz.com/which-imaging-is-best-for-follow-up-of-an-untreated-pancreatic-neuroendocrine-tu-2026/',
  },
  {
    key: 'gighz_staging',
    kind: 'seen',
    title: 'GigHz (2026): imaging for staging a pNET',
    url: 'https://gighz.com/which-imaging-study-is-best-for-staging-a-pancreatic-neuroendocrine-tumor-2026/',
  },
  {
    key: 'acr_rrl',
    kind: 'seen',
    title:
      'ACR Appropriateness Criteria appendix, Gastrointestinal TopicId=290 (RRL of CT A/P, US and MRI rows)',
    url: 'https://acsearch.acr.org/list/GetAppendix?PanelName=Gastrointestinal&TopicId=290',
  },
  {
    key: 'acr_rrl_low',
    kind: 'seen',
    title: 'ACR Appropriateness Criteria appendices with radiography and mammography rows (RRL ☢ and ☢☢)',
    url: 'https://acsearch.acr.org/list/GetAppendix?PanelName=Breast&TopicId=286',
  },
  {
    key: 'acr_rrl_pet',
    kind: 'seen',
    title: 'ACR Appropriateness Criteria portal, topicId=279 (FDG-PET/CT whole body, RRL ☢☢☢☢)',
    url: 'https://gravitas.acr.org/ACPortal/GetDataForOneTopic?topicId=279',
  },
  {
    key: 'acr_rrl_glossary',
    kind: 'secondary',
    title: 'Third-party ACR-dataset glossary (adult ☢☢☢☢☢ 30-100 mSv)',
    url: 'https://acsearch.acr.org/list/GetAppendix?PanelName=Gastrointestinal&TopicId=290',
    note: 'The adult band of the highest level was seen only outside ACR pages.',
  },
  {
    key: 'acr_nkf_iodine',
    kind: 'seen',
    title: 'ACR-NKF consensus on intravenous iodinated contrast in kidney disease (Davenport 2020)',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7525144',
  },
  {
    key: 'acr_manual_risk',
    kind: 'seen',
    title: 'Risk factors that call for a kidney-function check before iodinated contrast (ACR Manual list)',
    url: 'https://www.risimaging.com/referring-physicians/resources/',
  },
  {
    key: 'acr_nkf_gadolinium',
    kind: 'seen',
    title: 'ACR-NKF consensus on gadolinium-based contrast in kidney disease (Weinreb 2021)',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7873723',
  },
  {
    key: 'bmj_cied',
    kind: 'seen',
    title: 'MRI in patients with cardiac implantable electronic devices (Heart 2015)',
    url: 'https://heart.bmj.com/content/101/24/1950',
  },
  {
    key: 'premed',
    kind: 'seen',
    title: 'Contrast premedication regimens (citing the ACR Manual on Contrast Media 2021)',
    url: 'https://rad-call.com/?page_id=20',
  },
  {
    key: 'nccn_digest_a',
    kind: 'secondary',
    title: 'NCCN neuroendocrine tumour management, MIMS digest',
    url: 'https://specialty.mims.com/neuroendocrine%20tumors/management?channel=gastroenterology',
  },
  {
    key: 'nccn_digest_b',
    kind: 'secondary',
    title: 'NCCN neuroendocrine tumour follow-up, MIMS digest',
    url: 'https://prdmspapp.mimsdev.com/malaysia/disease/neuroendocrine-tumors/follow-up',
  },
  {
    key: 'commnets_jama',
    kind: 'seen',
    title: 'CommNETS/NANETS consensus on follow-up of resected GEP-NETs (Singh, JAMA Oncol 2018)',
    url: 'https://jamanetwork.com/journals/jamaoncology/article-abstract/2688522',
  },
  {
    key: 'small_pnet_review',
    kind: 'seen',
    title: 'Review: management of small non-functioning pNET (PubMed 36925190)',
    url: 'https://pubmed.ncbi.nlm.nih.gov/36925190/',
  },
  {
    key: 'snmmi_auc',
    kind: 'seen',
    title: 'SNMMI appropriate use criteria for somatostatin receptor PET (Hope, J Nucl Med 2018)',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC6910630',
  },
  {
    key: 'netspot_label',
    kind: 'secondary',
    title: 'Ga-68 DOTATATE (NETSPOT) label summary, mirror: 3.15 mSv per 150 MBq',
    url: 'http://butalbitalapap.org/index-1974.html',
  },
  {
    key: 'drugs_ga68',
    kind: 'seen',
    title: 'Ga-68 DOTATATE dosage: 2 MBq/kg up to 200 MBq (drugs.com)',
    url: 'https://www.drugs.com/dosage/gallium-ga-68-dotatate.html',
  },
  {
    key: 'walker_dosimetry',
    kind: 'seen',
    title: 'Walker et al., J Nucl Med 2013: effective dose table for NET radiopharmaceuticals',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4472480/table/T3',
  },
  {
    key: 'drugs_octreoscan',
    kind: 'seen',
    title: 'In-111 pentetreotide (Octreoscan) dosage: 222 MBq for SPECT (drugs.com)',
    url: 'https://www.drugs.com/dosage/octreoscan.html',
  },
  {
    key: 'detectnet_label',
    kind: 'seen',
    title: 'Cu-64 DOTATATE (Detectnet): 148 MBq adult activity; dosimetry section not read',
    url: 'https://www.rxlist.com/detectnet-side-effects-drug-center.htm',
  },
  {
    key: 'snmmi_fdg',
    kind: 'seen',
    title: 'SNMMI FDG PET/CT guideline dosimetry table (ICRP data): 0.019 mSv/MBq',
    url: 'https://jnm.snmjournals.org/highwire/markup/59565/expansion?width=1000&height=500&iframe=true&postprocessors=highwire_tables%2Chighwire_reclass%2Chighwire_figures%2Chighwire_math%2Chighwire_inline_linked_media%2Chighwire_embed',
  },
  {
    key: 'dose_chart',
    kind: 'seen',
    title: 'Patient dose reference chart: CT A/P 10 mSv, CT chest 7 mSv (older RadiologyInfo chart)',
    url: 'https://www.scribd.com/document/357940645/Dose-Reference-Card-pdf',
  },
  {
    key: 'aapm96_table',
    kind: 'seen',
    title: 'AAPM Report 96 typical effective doses, reproduced in Prog Med Phys',
    url: 'https://www.progmedphys.org/journal/popup_file.html?uid=883&file=pmp-32-1-1-f1.jpg&md=tbl&idx=1',
  },
  {
    key: 'k_factors',
    kind: 'seen',
    title: 'DLP-to-effective-dose conversion coefficients, AAPM 96 / EC and ICRP 103 columns',
    url: 'http://radclass.mudr.org/content/conversion-coefficients-dose-estimation-dose-length-product-dlp-ct-examination',
  },
  {
    key: 'recist_thresholds',
    kind: 'seen',
    title: 'RECIST 1.1 response definitions (Eisenhauer 2009), table',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC2755245/table/T3',
  },
  {
    key: 'recist_targets',
    kind: 'seen',
    title: 'RECIST 1.1 response definitions and lymph-node rules (FOCUS4 trial)',
    url: 'http://www.focus4trial.org/informationforsites/recistresponsedefinitions',
  },
  {
    key: 'recist_qa',
    kind: 'seen',
    title: 'RECIST 1.1 questions and clarifications (EORTC)',
    url: 'https://www.eortc.be/Recist/questions_clarifications.html',
  },
  {
    key: 'recist_new_lesions',
    kind: 'seen',
    title: 'RECIST working group: new lesions',
    url: 'https://recist.eortc.org/group/new-lesions/',
  },
  {
    key: 'recist_overall',
    kind: 'seen',
    title: 'RECIST 1.1 overall time-point response table (summary)',
    url: 'https://mishenmed.blogspot.com/2026/01/introduction-to-recist-11-1.html',
  },
  {
    key: 'greponet_tgr',
    kind: 'secondary',
    title: 'GREPONET study (Lamarca et al., ENETS 2018): tumour growth rate in %/month for NETs',
    url: 'https://www.enets.org/abstract/value-of-tumor-growth-rate-tgr-as-an-early-predictor-of-patientsr-outcome-in-patients-diagnosed-with-well-differentiated-neuroendocrine-tumors-nets-the-greponet-study.html',
    note: 'The abstract defines TGR as percent change per month; the exponential formula is the one of the TGR literature (Ferté et al., Clin Cancer Res 2014), not read here.',
  },
  {
    key: 'app-rule',
    kind: 'app-rule',
    title:
      'pNET Follow-up engine rule set (domain-facts §8): product decisions to be confirmed by clinicians',
    url: null,
  },
  {
    key: 'inferred',
    kind: 'inferred',
    title: 'Reasoned default (domain-facts): to be confirmed by clinicians',
    url: null,
  },
  {
    key: 'computed',
    kind: 'computed',
    title: 'Arithmetic on the cited numbers',
    url: null,
  },
] as const satisfies readonly SourceEntry[]

export type SourceKey = (typeof SOURCES)[number]['key']
