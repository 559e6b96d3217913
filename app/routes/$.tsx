// Any address no route claims: a 404 page through the root error boundary (no stack, no internals).
export async function loader() {
  throw new Response('Not found', { status: 404 })
}

export default function NotFound() {
  return null
}
