'use strict'
/**
 * local-schedules: fires the app's @scheduled functions inside `npm start`'s sandbox, which never does so
 * itself, so a local demo behaves as AWS does: held leads get the gate's 5-minute pass, health is scored,
 * stalled chains restart (decision 004). The sandbox invokes the real handlers, as EventBridge would.
 *
 * Only when DRASON_LOCAL_SCHEDULES is "1" (scripts/start.ts sets it): the system tests share the same
 * sandbox and drive these services themselves, so a timer firing mid-test would make them flaky. Rates
 * are kept as declared (5 minutes is 5 minutes; only queue delays are sped up), cron schedules are not
 * emulated (the app has none). One invocation of a schedule at a time, like a Lambda with one
 * reserved concurrency: a run that takes longer than its rate skips the next tick.
 */
const UNIT_MS = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 }

/** Milliseconds between runs of an inventory @scheduled entry, or null for one this plugin cannot run (cron). */
function everyMs(schedule) {
  const rate = schedule.rate
  if (!rate || typeof rate.value !== 'number' || !(rate.interval in UNIT_MS)) return null
  return rate.value * UNIT_MS[rate.interval]
}

const timers = []

/** Starts one timer per schedule; returns what it started, for the log and the tests. */
function startSchedules(inventory, invoke, env, log) {
  if (env.DRASON_LOCAL_SCHEDULES !== '1') return []
  const started = []
  for (const schedule of inventory.inv.scheduled ?? []) {
    const ms = everyMs(schedule)
    if (ms === null) {
      log(`local-schedules: @scheduled ${schedule.name} has no rate this plugin can run; it will not fire locally.`)
      continue
    }
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      invoke({ pragma: 'scheduled', name: schedule.name, payload: { source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString(), detail: {} } })
        .catch((err) => log(`local-schedules: @scheduled ${schedule.name} failed: ${err && err.message ? err.message : err}`))
        .finally(() => {
          running = false
        })
    }, ms)
    timer.unref()
    timers.push(timer)
    started.push({ name: schedule.name, everyMs: ms })
  }
  if (started.length) log(`local-schedules: ${started.map((s) => `${s.name} every ${s.everyMs / 60_000} min`).join(', ')}`)
  return started
}

function stopSchedules() {
  while (timers.length) clearInterval(timers.pop())
}

module.exports = {
  sandbox: {
    start: async ({ inventory, invoke }) => {
      startSchedules(inventory, invoke, process.env, (m) => console.log(m))
    },
    end: async () => {
      stopSchedules()
    },
  },
  // For test/unit/local-schedules.test.ts.
  _test: { everyMs, startSchedules, stopSchedules },
}
