/** `npm run reset`: wipes the local database kept by `npm start` (the next start seeds the demo again). */
import { rmSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(process.cwd(), '.data')
rmSync(dir, { recursive: true, force: true })
console.log(`Removed ${dir}. The next \`npm start\` begins with a fresh demo workspace.`)
