import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { FormatError, pythonFormat } from '../../src/contrib/translation/index.js'
import { fuzz, fuzzTimeout } from './support/runs.js'

/** Pieces of templates: conversion specs (valid or not), literal text, percent signs. */
const spec = fc
  .record({
    key: fc.option(fc.constantFrom('project_name', 'name', 'n', 'f', 'missing', '', 'toString', '__proto__', 'a)b')),
    flags: fc.constantFrom('', '-', '0', '#', ' ', '+', '-0', '00'),
    width: fc.constantFrom('', '5', '0', '*', '99', '100001', '99999999999999999999'),
    precision: fc.constantFrom('', '.', '.0', '.2', '.100', '.101', '.99999999999'),
    conversion: fc.constantFrom('s', 'r', 'a', 'd', 'i', 'u', 'x', 'X', 'o', 'c', 'f', 'F', 'e', 'g', '%', '', 'z', 'q'),
  })
  .map(({ key, flags, width, precision, conversion }) => `%${key === null ? '' : `(${key})`}${flags}${width}${precision}${conversion}`)
const piece = fc.oneof(spec, fc.string({ maxLength: 10 }), fc.constantFrom('%', '%%', '(', ')', '%(', ' '))
const template = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''))

/** What app code passes: texts, numbers, booleans, big integers, nothing. */
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.bigInt(), fc.constant(null), fc.constant(undefined), fc.constant(Number.NaN))
const values = fc.dictionary(fc.constantFrom('project_name', 'name', 'n', 'f', '', 'a)b'), value)
const RUNS = 500

describe("Python's % formatting (pythonFormat) under fuzzing", () => {
  it.prop([template, values], fuzz(RUNS, 1))('any template and values: a string, or a FormatError', (text, mapping) => {
    try {
      expect(typeof pythonFormat(text, mapping)).toBe('string')
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(FormatError)
    }
  }, fuzzTimeout(RUNS, 1))

  it.prop([fc.string().filter((s) => !s.includes('%'))], fuzz(RUNS, 1))('a template without % is itself', (text) => {
    expect(pythonFormat(text, {})).toBe(text)
  }, fuzzTimeout(RUNS, 1))

  const literal = fc.string({ maxLength: 10 }).map((s) => ({ template: s.replaceAll('%', '%%'), text: s }))
  const named = fc.tuple(fc.constantFrom('a', 'b', 'project_name'), fc.string({ maxLength: 10 })).map(([key, v]) => ({ key, v }))
  it.prop([fc.array(fc.oneof(literal, named), { maxLength: 8 })], fuzz(RUNS, 1))('literal text with %% and %(name)s of text values formats as Python does', (parts) => {
    const mapping: Record<string, string> = {}
    for (const part of parts) if ('key' in part) mapping[part.key] = part.v
    const expected = parts.map((part) => ('key' in part ? mapping[part.key] : part.text)).join('')
    expect(pythonFormat(parts.map((part) => ('key' in part ? `%(${part.key})s` : part.template)).join(''), mapping)).toBe(expected)
  }, fuzzTimeout(RUNS, 1))
})
