// Reads a SQLite write-ahead log (https://www.sqlite.org/fileformat.html#the_write_ahead_log)
// the way SQLite's recovery does, and says what SQLite would silently drop.
//
// SQLite replays WAL frames up to the first one whose salt or cumulative checksum does not match,
// and ignores everything after it. After a crash only the frames of the transaction being written
// can be torn, so no COMMITTED frame can follow a bad one. A committed frame that is internally
// consistent (its checksum matches when seeded from the frame before it) after a bad one therefore
// means damage: changes that were committed, and acknowledged, would be lost without a word.

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

export function scanWal(buf: Buffer): WalScan {
  if (buf.length === 0) return { validFrames: 0, frames: 0, problem: null }
  if (buf.length < WAL_HEADER) {
    // SQLite ignores a WAL shorter than its header; it can only be a torn first write.
    return { validFrames: 0, frames: 0, problem: null }
  }
  const magic = buf.readUInt32BE(0)
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) {
    return {
      validFrames: 0,
      frames: 0,
      problem: 'its header is damaged (SQLite would ignore every change in it)',
    }
  }
  const bigEndian = magic === MAGIC_BE
  const pageSize = buf.readUInt32BE(8)
  const validSize = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0
  const headerSum = checksum(buf, 0, 24, [0, 0], bigEndian)
  if (!validSize || headerSum[0] !== buf.readUInt32BE(24) || headerSum[1] !== buf.readUInt32BE(28)) {
    // A damaged header hides every frame. Only a WAL that holds frames loses anything.
    return buf.length > WAL_HEADER
      ? {
          validFrames: 0,
          frames: 0,
          problem: 'its header is damaged (SQLite would ignore every change in it)',
        }
      : { validFrames: 0, frames: 0, problem: null }
  }
  const salt1 = buf.readUInt32BE(16)
  const salt2 = buf.readUInt32BE(20)
  const frameSize = FRAME_HEADER + pageSize
  const count = Math.floor((buf.length - WAL_HEADER) / frameSize)
  let running: [number, number] = headerSum
  let validFrames = 0
  let firstBad = -1
  for (let i = 0; i < count; i++) {
    const off = WAL_HEADER + i * frameSize
    const sameGeneration = buf.readUInt32BE(off + 8) === salt1 && buf.readUInt32BE(off + 12) === salt2
    const s1 = checksum(buf, off, off + 8, running, bigEndian)
    const sum = checksum(buf, off + FRAME_HEADER, off + frameSize, s1, bigEndian)
    if (!sameGeneration || sum[0] !== buf.readUInt32BE(off + 16) || sum[1] !== buf.readUInt32BE(off + 20)) {
      firstBad = i
      break
    }
    running = sum
    if (buf.readUInt32BE(off + 4) !== 0) validFrames = i + 1
  }
  if (firstBad < 0) return { validFrames, frames: count, problem: null }

  // After the first bad frame: a later committed frame of this generation, consistent on its own
  // (seeded from the stored checksum of the frame before it), is a change SQLite would drop.
  for (let j = Math.max(firstBad + 1, 1); j < count; j++) {
    const off = WAL_HEADER + j * frameSize
    if (buf.readUInt32BE(off + 8) !== salt1 || buf.readUInt32BE(off + 12) !== salt2) continue
    const prevOff = off - frameSize
    const seed: [number, number] = [buf.readUInt32BE(prevOff + 16), buf.readUInt32BE(prevOff + 20)]
    const s1 = checksum(buf, off, off + 8, seed, bigEndian)
    const sum = checksum(buf, off + FRAME_HEADER, off + frameSize, s1, bigEndian)
    const consistent = sum[0] === buf.readUInt32BE(off + 16) && sum[1] === buf.readUInt32BE(off + 20)
    if (consistent && buf.readUInt32BE(off + 4) !== 0) {
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
