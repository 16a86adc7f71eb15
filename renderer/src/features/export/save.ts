import type { ExportFile } from '../../../../electron/contract/contract'

/**
 * Saves text as a file from the page: a Blob, an object URL and a temporary `<a download>` (in the
 * desktop app Electron asks where to save it). Every export of the app leaves this way. CSV files
 * get a UTF-8 byte-order mark first so spreadsheet programs read "mGy·cm" and "×" correctly.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const bom = type.startsWith('text/csv') ? ['\uFEFF'] : []
  const blob = new Blob([...bom, text], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // Revoke after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** A file an export call wrote (calendar, FHIR), saved the same way. */
export function saveExport(file: ExportFile): void {
  downloadText(file.fileName, file.text, file.mediaType)
}
