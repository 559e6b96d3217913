import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createConnection } from 'node:net'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'

/**
 * Amazon's DynamoDB Local (the jar inside the `amplify-dynamodb-simulator` package), not the sandbox's
 * built-in store: that one lacks TransactWriteItems, which Drason's writes need.
 */
const JAVA_HINT = 'DynamoDB Local needs Java 17+. Install it with: sudo apt-get install -y openjdk-17-jre-headless'

function emulatorDir(): string {
  const require = createRequire(__filename)
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator')
}

export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new Error(JAVA_HINT)
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`)
  if (m && Number(m[1]) < 17) throw new Error(`${JAVA_HINT} (found Java ${m[1]})`)
}

export interface DynamoLocal {
  port: number
  endpoint: string
  stop(): Promise<void>
}

/** True when something already listens on the port (another DynamoDB Local, an old `npm start`). */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export async function startDynamoLocal(options: { port: number; dataDir?: string }): Promise<DynamoLocal> {
  checkJava()
  // Talking to someone else's database by accident would show (or seed) the wrong data: refuse instead.
  if (await portInUse(options.port)) {
    throw new Error(`Port ${options.port} is already in use (an earlier npm start still running?). Stop it, or choose another port with DYNAMO_PORT.`)
  }
  const dir = emulatorDir()
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(options.port)]
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    args.push('-dbPath', options.dataDir)
  } else {
    args.push('-inMemory')
  }
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  // However this process ends, the database it started ends with it.
  const killChild = () => child.exitCode === null && child.kill('SIGKILL')
  process.once('exit', killChild)
  let output = ''
  child.stdout?.on('data', (d) => (output += String(d)))
  child.stderr?.on('data', (d) => (output += String(d)))
  const endpoint = `http://127.0.0.1:${options.port}`
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-500)}`)
    try {
      await client.send(new ListTablesCommand({}))
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`DynamoDB Local did not answer on port ${options.port} within 30 s: ${output.slice(-500)}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  client.destroy()
  return {
    port: options.port,
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
      }),
  }
}
