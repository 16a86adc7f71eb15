import { describe, expect, it } from 'vitest'
import { DLP_MGY_CM, EGFR, WEIGHT_KG } from '../../../engine'
import { limitAt, numberMessage, readNumber, readNumberAt } from '../../../renderer/src/domain/numbers'

describe('numbers as a form holds them', () => {
  it('reads plain decimals, with a point or a comma; blank is unknown', () => {
    expect(readNumber('')).toBeNull()
    expect(readNumber('   ')).toBeNull()
    expect(readNumber(' 70 ')).toBe(70)
    expect(readNumber('70,5')).toBe(70.5)
    expect(readNumber('.5')).toBe(0.5)
    expect(readNumber('5.')).toBe(5)
    expect(readNumber('-3')).toBe(-3)
  })

  it('refuses what is not a plain decimal number', () => {
    for (const text of ['seventy', '2,5,1', '1e3', '0x10', 'Infinity', '1 000', '70kg', '.']) {
      expect(readNumber(text), text).toBeUndefined()
    }
  })

  it('words the type and the range of a field in one message, from its named limit', () => {
    expect(numberMessage(WEIGHT_KG)).toBe('Weight (kg) must be a number, above 0 and below 700.')
    expect(numberMessage(EGFR)).toBe('eGFR must be a number, at least 0 and below 300.')
    expect(numberMessage(DLP_MGY_CM)).toBe('DLP (mGy·cm) must be a number, at least 0 and below 100000.')
  })

  it('finds a field’s limit by its request path, and records refused text under that path', () => {
    expect(limitAt('constraints.eGFR')).toBe(EGFR)
    expect(limitAt('lesions.1.diameterMm')?.label).toBe('Size (mm)')
    expect(limitAt('name')).toBeUndefined()
    const refused: Record<string, string> = {}
    expect(readNumberAt('lots', 'weightKg', refused)).toBeNull()
    expect(readNumberAt('64', 'constraints.eGFR', refused)).toBe(64)
    expect(refused).toEqual({ weightKg: numberMessage(WEIGHT_KG) })
  })
})
