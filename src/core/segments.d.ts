/** The alphabet an SMS is sent in. */
export type SmsEncoding = 'GSM-7' | 'UCS-2'

export interface SmsSplit {
  encoding: SmsEncoding
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number
  /** The text of each SMS, in order. */
  parts: string[]
}

export interface SegmentCount {
  encoding: SmsEncoding
  /** Characters as a person counts them (code points). */
  characters: number
  units: number
  segments: number
  /** Units one SMS holds at this length: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  perSegment: number
  /** Units left in the last SMS. */
  remaining: number
}

export declare const GSM7_LIMITS: Readonly<{ single: number; part: number }>
export declare const UCS2_LIMITS: Readonly<{ single: number; part: number }>
export declare function fitsGsm7(text: string): boolean
export declare function splitSegments(text: string): SmsSplit
export declare function countSegments(text: string): SegmentCount
