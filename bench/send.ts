/**
 * The send-loop benchmark alone (`npm run bench:send`), for working on the pulse: the same three parts as
 * in `npm run bench`, printed the same way, with latest.json left as it is. BENCH_SEND_N sets the pulses
 * per part (default 200, as the full run).
 */
import { benchSendLoop, sendLoopReport, sendLoopTargets } from './send-loop'

async function main() {
  const n = process.env.BENCH_SEND_N ? Number(process.env.BENCH_SEND_N) : 200
  const result = await benchSendLoop({ n, warmup: 20, simulatedSends: 500, log: (m) => console.error(m) })
  console.log(sendLoopReport(result, sendLoopTargets(result)).join('\n'))
  process.exit(0)
}
void main()
