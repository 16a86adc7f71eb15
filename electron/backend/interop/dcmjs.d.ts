// The part of dcmjs (which ships no types) this app uses: reading and writing Part 10 files and
// (de)naturalizing datasets. Values stay `unknown` and are checked where they are read.
declare module 'dcmjs' {
  interface DicomDict {
    meta: Record<string, unknown>
    dict: Record<string, unknown>
    write(options?: Record<string, unknown>): ArrayBuffer
  }
  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): DicomDict
      }
      DicomMetaDictionary: {
        naturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>
        denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>
        uid(): string
      }
      DicomDict: new (meta: Record<string, unknown>) => DicomDict
    }
    log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void }
  }
  export default dcmjs
}
