// Every 5 minutes: held leads whose blocking condition cleared go through the gate again. The gate
// arrives with the send-loop issue; the schedule and its function exist from day one.
export const handler = async (): Promise<void> => {
  console.log(JSON.stringify({ msg: 'gate re-evaluation run', at: new Date().toISOString() }))
}
