/**
 * Saves text as a file from the page: a Blob, an object URL and a temporary `<a download>`.
 * A UTF-8 byte-order mark goes first so spreadsheet programs read "mGy·cm" and "×" correctly.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const blob = new Blob(['\uFEFF', text], { type })
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
