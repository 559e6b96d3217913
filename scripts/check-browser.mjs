// Browser tests drive Debian's chromium through playwright-core (a test tool's own browser download
// does not work on these machines). Fail at once, with the one command that fixes it, when it is missing.
import { existsSync } from 'node:fs'

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
if (!existsSync(path)) {
  console.error(`Chromium not found at ${path}. Install it with: sudo apt-get install -y chromium`)
  process.exit(1)
}
