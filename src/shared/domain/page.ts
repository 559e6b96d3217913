/** One page of a listing and the opaque cursor for the next (null on the last page). */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}
