// Reads a SQLite write-ahead log (https://www.sqlite.org/fileformat.html#the_write_ahead_log)
// the way SQLite's recovery does, and says what SQLite would silently drop.
//
// SQLite replays WAL frames up to the first one whose salt or cumulative checksum does not match,
// and ignores everything after it. After a crash only the frames of the transaction being written
// can be torn, so no COMMITTED frame can follow a bad one. A committed frame that is internally
// consistent (its checksum matches when seeded from the frame before it) after a bad one therefore
// means damage: changes that were committed, and acknowledged, would be lost without a word.

import fs from 'node:fs'

const MAGIC_LE = 0x377f0682
const MAGIC_BE = 0x377f0683
const WAL_HEADER = 32
const FRAME_HEADER = 24

export interface WalScan {
  /** Frames SQLite would replay (up to the last commit before the first bad frame). */
  readonly validFrames: number
  /** Frames in the file of the current generation. */
  readonly frames: number
  /** What SQLite would drop that was committed, or null. */
  readonly problem: string | null
}

function checksum(
  buf: Buffer,
  start: number,
  end: number,
  s: [number, number],
  bigEndian: boolean,
): [number, number] {
  let s0 = s[0]
  let s1 = s[1]
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i)
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4)
    s0 = (s0 + x0 + s1) >>> 0
    s1 = (s1 + x1 + s0) >>> 0
  }
  return [s0, s1]
}

/** A WAL's bytes, read where they are needed (a WAL can be larger than any buffer). */
export interface WalBytes {
  readonly length: number
  /** `length` bytes from `offset`; valid until the next read. */
  read(offset: number, length: number): Buffer
}

/** A WAL held in memory. */
export function walOfBuffer(buf: Buffer): WalBytes {
  return { length: buf.length, read: (offset, length) => buf.subarray(offset, offset + length) }
}

/** A WAL file read a window of a few MB at a time (the open's check of a WAL of any size). */
export function scanWalFile(file: string): WalScan {
  const fd = fs.openSync(file, 'r')
  try {
    const window = Buffer.alloc(4 * 1024 * 1024)
    let from = 0
    let held = 0
    return scanWal({
      length: fs.fstatSync(fd).size,
      read(offset, length) {
        if (offset < from || offset + length > from + held) {
          from = offset
          held = 0
          for (let n = -1; n !== 0 && held < window.length; held += n)
            n = fs.readSync(fd, window, held, window.length - held, from + held)
        }
        return window.subarray(offset - from, offset - from + length)
      },
    })
  } finally {
    fs.closeSync(fd)
  }
}

export function scanWal(wal: WalBytes): WalScan {
  if (wal.length === 0) return { validFrames: 0, frames: 0, problem: null }
  if (wal.length < WAL_HEADER) {
    // SQLite ignores a WAL shorter than its header; it can only be a torn first write.
    return { validFrames: 0, frames: 0, problem: null }
  }
  const head = Buffer.from(wal.read(0, WAL_HEADER))
  const magic = head.readUInt32BE(0)
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) {
    return {
      validFrames: 0,
      frames: 0,
      problem: 'its header is damaged (SQLite would ignore every change in it)',
    }
  }
  const bigEndian = magic === MAGIC_BE
  const pageSize = head.readUInt32BE(8)
  const validSize = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0
  const headerSum = checksum(head, 0, 24, [0, 0], bigEndian)
  if (!validSize || headerSum[0] !== head.readUInt32BE(24) || headerSum[1] !== head.readUInt32BE(28)) {
    // A damaged header hides every frame. Only a WAL that holds frames loses anything.
    return wal.length > WAL_HEADER
      ? {
          validFrames: 0,
          frames: 0,
          problem: 'its header is damaged (SQLite would ignore every change in it)',
        }
      : { validFrames: 0, frames: 0, problem: null }
  }
  const salt1 = head.readUInt32BE(16)
  const salt2 = head.readUInt32BE(20)
  const frameSize = FRAME_HEADER + pageSize
  const count = Math.floor((wal.length - WAL_HEADER) / frameSize)
  let running: [number, number] = headerSum
  let validFrames = 0
  let firstBad = -1
  for (let i = 0; i < count; i++) {
    const f = wal.read(WAL_HEADER + i * frameSize, frameSize)
    const sameGeneration = f.readUInt32BE(8) === salt1 && f.readUInt32BE(12) === salt2
    const s1 = checksum(f, 0, 8, running, bigEndian)
    const sum = checksum(f, FRAME_HEADER, frameSize, s1, bigEndian)
    if (!sameGeneration || sum[0] !== f.readUInt32BE(16) || sum[1] !== f.readUInt32BE(20)) {
      firstBad = i
      break
    }
    running = sum
    if (f.readUInt32BE(4) !== 0) validFrames = i + 1
  }
  if (firstBad < 0) return { validFrames, frames: count, problem: null }

  // After the first bad frame: a later committed frame of this generation, consistent on its own
  // (seeded from the stored checksum of the frame before it), is a change SQLite would drop.
  for (let j = Math.max(firstBad + 1, 1); j < count; j++) {
    const off = WAL_HEADER + j * frameSize
    const before = wal.read(off - frameSize + 16, 8)
    const seed: [number, number] = [before.readUInt32BE(0), before.readUInt32BE(4)]
    const f = wal.read(off, frameSize)
    if (f.readUInt32BE(8) !== salt1 || f.readUInt32BE(12) !== salt2) continue
    const s1 = checksum(f, 0, 8, seed, bigEndian)
    const sum = checksum(f, FRAME_HEADER, frameSize, s1, bigEndian)
    const consistent = sum[0] === f.readUInt32BE(16) && sum[1] === f.readUInt32BE(20)
    if (consistent && f.readUInt32BE(4) !== 0) {
      return {
        validFrames,
        frames: count,
        problem: `frame ${firstBad + 1} of ${count} is damaged and committed changes follow it`,
      }
    }
  }
  // The bad frame may itself be the only damaged frame of the last committed transaction (its
  // commit frame is bad or follows): the frame's salt matches but its checksum does not, and it is
  // not the torn end of the file. The anchor names that loss (ROLLED_BACK); nothing more is
  // certain from the WAL alone.
  return { validFrames, frames: count, problem: null }
}
