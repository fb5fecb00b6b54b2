import { describe, expect, it } from 'vitest'
import { csvCell, inertFormula } from '@/lib/format/csv'

describe('CSV cells', () => {
  it('quotes only what needs quoting, doubling quotes, and writes objects as JSON', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a, b')).toBe('"a, b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(12.5)).toBe('12.5')
    expect(csvCell(null)).toBe('')
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"')
  })

  it('turns answers a spreadsheet would run as formulas into text', () => {
    expect(inertFormula('=HYPERLINK("http://x","click")')).toBe(`'=HYPERLINK("http://x","click")`)
    for (const start of ['+', '-', '@', '\t', '\r']) expect(inertFormula(`${start}1`)).toBe(`'${start}1`)
    expect(inertFormula('The answer is =1')).toBe('The answer is =1')
    expect(inertFormula(null)).toBeNull()
  })
})
