// Every 5 minutes: mailbox -> campaign -> domain -> account health. The evaluation service arrives with
// the feedback-and-protection issue; the schedule and its function exist from day one.
export const handler = async (): Promise<void> => {
  console.log(JSON.stringify({ msg: 'health run', at: new Date().toISOString() }))
}
