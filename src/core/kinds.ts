/**
 * Every pluggable class carries a static `rapidsmsKind` so settings can be checked without
 * `core` importing the classes themselves (core imports nothing else of ours).
 */
export type Kind = 'app' | 'backend' | 'handler'

export interface KindedClass {
  readonly rapidsmsKind: Kind
  readonly name: string
}

export function isKind(value: unknown, kind: Kind): value is KindedClass {
  return typeof value === 'function' && (value as Partial<KindedClass>).rapidsmsKind === kind
}
