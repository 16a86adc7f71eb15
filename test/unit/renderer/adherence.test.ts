import { describe, expect, it } from 'vitest'
import type { AdherenceSummary } from '../../../electron/contract/contract'
import {
  countText,
  medianText,
  periodRange,
  shareText,
  timingText,
  WITHIN_HEALTH_TEXT,
} from '../../../renderer/src/domain/adherence'

// The words of the engine's adherence figures: honest with nothing counted, singular and plural,
// early and late by the days from the window, and the periods of the worklist's selector.

const summary = (over: Partial<AdherenceSummary> = {}): AdherenceSummary => ({
  steps: 3,
  onTime: 2,
  early: 0,
  late: 1,
  shareOnTime: 2 / 3,
  medianDelayDays: 0,
  shareWithinHealthWindow: 1,
  ...over,
})

describe('adherence words', () => {
  it('says each step as on time, or days early or late', () => {
    expect(timingText({ timeliness: 'on-time', days: 0 })).toBe('on time')
    expect(timingText({ timeliness: 'early', days: -4 })).toBe('4 days early')
    expect(timingText({ timeliness: 'late', days: 1 })).toBe('1 day late')
    expect(timingText({ timeliness: 'early', days: -1 })).toBe('1 day early')
  })

  it('rounds a share to a whole percentage; a share of nothing is no percentage', () => {
    expect(shareText(2 / 3)).toBe('67%')
    expect(shareText(0)).toBe('0%')
    expect(shareText(1)).toBe('100%')
    expect(shareText(null)).toBe('none counted')
  })

  it('says the median with its sign in words, halves included', () => {
    expect(medianText(0)).toBe('0 days (on time)')
    expect(medianText(12)).toBe('12 days late')
    expect(medianText(-1)).toBe('1 day early')
    expect(medianText(-11.5)).toBe('11.5 days early')
    expect(medianText(null)).toBe('none counted')
  })

  it('counts the steps on time, or says nothing when none closed', () => {
    expect(countText(summary())).toBe('2 of 3 closed imaging steps on time')
    expect(countText(summary({ steps: 1, onTime: 0, late: 1 }))).toBe('0 of 1 closed imaging step on time')
    expect(countText(summary({ steps: 0, onTime: 0, late: 0, shareOnTime: null }))).toBeNull()
  })

  it('names Within Health’s window from the engine’s constant', () => {
    expect(WITHIN_HEALTH_TEXT).toBe('−30/+60 days')
  })
})

describe('adherence periods', () => {
  it('covers the study dates of the last months up to today, or all of them', () => {
    expect(periodRange('3m', '2026-11-24')).toEqual({ from: '2026-08-24', to: '2026-11-24' })
    expect(periodRange('6m', '2026-08-31')).toEqual({ from: '2026-02-28', to: '2026-08-31' })
    expect(periodRange('12m', '2024-02-29')).toEqual({ from: '2023-02-28', to: '2024-02-29' })
    expect(periodRange('all', '2026-11-24')).toEqual({ from: '1900-01-01', to: '2026-11-24' })
  })
})
