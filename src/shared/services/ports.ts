/** Time and identity come in from outside so services stay deterministic under test. */
export interface Clock {
  now(): Date
}
export interface IdSource {
  next(): string
}
