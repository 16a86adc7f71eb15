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
    title:
      'ACR Appropriateness Criteria, Radiation Dose Assessment Introduction: adult band of ☢☢☢☢☢ (30-100 mSv)',
    url: 'https://www.acr.org/Clinical-Resources/Clinical-Tools-and-Reference/Appropriateness-Criteria',
    note: 'The band was read only in a third-party glossary of an ACR dataset, not on an ACR page.',
  },

  {
    key: 'acr_nkf_iodine',
    kind: 'seen',
    title: 'ACR-NKF consensus on intravenous iodinated contrast in kidney disease (Davenport 2020)',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7525144',
  },
  {
    key: 'acr_manual_risk',
    kind: 'secondary',
    title:
      'ACR Manual on Contrast Media: risk factors that call for a kidney-function check before iodinated contrast',
    url: 'https://www.acr.org/Clinical-Resources/Clinical-Tools-and-Reference/Contrast-Manual',
    note: 'The list was read on a radiology practice\u2019s page quoting the Manual, not in the Manual itself.',
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
    kind: 'secondary',
    title: 'ACR Manual on Contrast Media (2021): premedication regimens before iodinated contrast',
    url: 'https://www.acr.org/Clinical-Resources/Clinical-Tools-and-Reference/Contrast-Manual',
    note: 'The regimens were read on a teaching page citing the 2021 Manual, not in the Manual itself.',
  },

  {
    key: 'nccn_digest_a',
    kind: 'secondary',
    title: 'NCCN Guidelines, Neuroendocrine and Adrenal Tumors: management (as summarised in a MIMS digest)',
    url: 'https://www.nccn.org/guidelines',
    note: 'Read in a MIMS digest of the guideline, not in the NCCN text (free registration needed).',
  },

  {
    key: 'nccn_digest_b',
    kind: 'secondary',
    title: 'NCCN Guidelines, Neuroendocrine and Adrenal Tumors: follow-up (as summarised in a MIMS digest)',
    url: 'https://www.nccn.org/guidelines',
    note: 'Read in a MIMS digest of the guideline, not in the NCCN text (free registration needed).',
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
    title:
      'NETSPOT (kit for Ga-68 DOTATATE) US prescribing information, radiation dosimetry: 3.15 mSv per 150 MBq in a 75 kg adult',
    url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=NETSPOT',
    note: 'The FDA label on DailyMed; the figure was read in a reproduction of the label.',
  },

  {
    key: 'drugs_ga68',
    kind: 'secondary',
    title: 'NETSPOT (Ga-68 DOTATATE) US prescribing information, dosage: 2 MBq/kg up to 200 MBq',
    url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=NETSPOT',
    note: 'The FDA label on DailyMed; the dosage was read on a drug-information site quoting the label.',
  },

  {
    key: 'walker_dosimetry',
    kind: 'seen',
    title: 'Walker et al., J Nucl Med 2013: effective dose table for NET radiopharmaceuticals',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4472480/table/T3',
  },
  {
    key: 'drugs_octreoscan',
    kind: 'secondary',
    title: 'Octreoscan (In-111 pentetreotide) US prescribing information, dosage: 222 MBq for SPECT',
    url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Octreoscan',
    note: 'The FDA label on DailyMed; the dosage was read on a drug-information site quoting the label.',
  },

  {
    key: 'detectnet_label',
    kind: 'secondary',
    title:
      'Detectnet (Cu-64 DOTATATE) US prescribing information: 148 MBq adult activity; dosimetry section not read',
    url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Detectnet',
    note: 'The FDA label on DailyMed; the activity was read on a drug-information site quoting the label.',
  },

  {
    key: 'snmmi_fdg',
    kind: 'seen',
    title: 'SNMMI FDG PET/CT guideline dosimetry table (ICRP data): 0.019 mSv/MBq',
    url: 'https://jnm.snmjournals.org/highwire/markup/59565/expansion?width=1000&height=500&iframe=true&postprocessors=highwire_tables%2Chighwire_reclass%2Chighwire_figures%2Chighwire_math%2Chighwire_inline_linked_media%2Chighwire_embed',
  },
  {
    key: 'dose_chart',
    kind: 'secondary',
    title:
      'RadiologyInfo (ACR and RSNA) patient dose chart: CT abdomen/pelvis 10 mSv, CT chest 7 mSv (older edition)',
    url: 'https://www.radiologyinfo.org/en/info/safety-xray',
    note: 'The older edition of the chart was read in a copy; the current chart gives 7.7 and 6.1 mSv.',
  },

  {
    key: 'aapm96_table',
    kind: 'secondary',
    title: 'AAPM Report 96 (2008): typical effective doses of CT examinations',
    url: 'https://www.aapm.org/pubs/reports/RPT_96.pdf',
    note: 'Read in a table reproduced in Progress in Medical Physics, not in the report itself.',
  },

  {
    key: 'k_factors',
    kind: 'secondary',
    title:
      'DLP-to-effective-dose conversion coefficients (k), AAPM Report 96 / European guidance column and ICRP 103-based column',
    url: 'https://www.aapm.org/pubs/reports/RPT_96.pdf',
    note: 'Both columns were read in a teaching site\u2019s table; the primary publication of the ICRP 103-based column was not identified.',
  },

  {
    key: 'recist_thresholds',
    kind: 'secondary',
    title: 'RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228-247): response thresholds',
    url: 'https://doi.org/10.1016/j.ejca.2008.10.026',
    note: 'Read in a summary table of a J Nucl Med review (PubMed Central PMC2755245), not in the paper itself.',
  },

  {
    key: 'recist_targets',
    kind: 'secondary',
    title: 'RECIST 1.1 (Eisenhauer et al. 2009): target lesions and lymph-node rules',
    url: 'https://doi.org/10.1016/j.ejca.2008.10.026',
    note: 'Read on a clinical trial\u2019s page for its sites, not in the paper itself.',
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
    kind: 'secondary',
    title: 'RECIST 1.1 (Eisenhauer et al. 2009): overall time-point response tables',
    url: 'https://doi.org/10.1016/j.ejca.2008.10.026',
    note: 'Read in a summary of the tables, not in the paper itself.',
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
