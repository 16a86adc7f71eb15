import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { actorLabel, appActor, parseActor, userActor } from '../../../engine'

describe('audit actors', () => {
  it('shows a signed-in account as "name (initials)" and an OS account as written', () => {
    const a = userActor({ id: 3, initials: 'AS', name: 'Dr A. Smith' })
    expect(a).toBe('user:3 AS Dr A. Smith')
    expect(actorLabel(a)).toBe('Dr A. Smith (AS)')
    expect(actorLabel('dr.test')).toBe('dr.test')
    expect(parseActor('user:x AS Someone')).toBeNull()
  })

  it('names what the app writes on its own as the app, with the computer account, never as a person', () => {
    const a = appActor('root')
    expect(parseActor(a)).toBeNull()
    expect(actorLabel(a)).toBe('pNET Follow-up itself (computer account root)')
  })

  it('reads back every account it writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.stringMatching(/^[A-Z0-9]{1,4}$/),
        fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() === s && s.length > 0),
        (id, initials, name) => {
          expect(parseActor(userActor({ id, initials, name }))).toEqual({ id, initials, name })
        },
      ),
    )
  })
})
