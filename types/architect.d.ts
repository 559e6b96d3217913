// Architect's sandbox ships no type declarations; these cover the calls Drason makes.
declare module '@architect/sandbox' {
  interface StartOptions {
    port?: number
    quiet?: boolean
    cwd?: string
    env?: Record<string, string>
  }
  const sandbox: {
    start(options: StartOptions): Promise<string>
    end(): Promise<string>
  }
  export default sandbox
}
