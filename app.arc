# Drason: the manifest. Every route, table, queue and schedule the app has is declared here.
@app
drason

@aws
runtime typescript
region us-east-1
architecture arm64
# Defaults for every function; each function's config.arc sets its own timeout, memory and reserved concurrency.
memory 512
timeout 30

@typescript
build .build
base-runtime nodejs22.x
esbuild-config esbuild.config.js
# Source maps only where a person reads stack traces (sandbox); production parses less on cold start.
sourcemaps testing

@plugins
architect/plugin-typescript
# Every safety net from the Pivotr spec (section 5.3) added to the CloudFormation at deploy: see
# src/plugins/production-guards and docs/decisions/030-production-guards.md.
production-guards
# npm start only: fires the @scheduled functions below in the sandbox, which never does (decision 004).
local-schedules

@http
# Liveness for load balancers and `npm start`: no login, no database.
get /healthz
# JSON API and webhooks: bearer tokens only, never cookies.
any /api/*
# Everything else is the server-rendered Remix admin UI.
any /*

@static
folder build/client

@queues
# Per-message DelaySeconds (Gaussian pacing) needs a standard queue: SQS FIFO rejects per-message delays.
send-pulse
  fifo false
# SES events arrive SNS -> SQS; a standard queue is what SNS fans out to and feedback is idempotent anyway.
feedback
  fifo false
# CSV/XLSX imports run in chunks; each chunk is idempotent so at-least-once delivery is safe.
imports
  fifo false

@events
# CloudWatch's SES reputation alarms (bounce and complaint rate) publish here; the handler pauses all
# sending (the account brake). production-guards points the alarms at this event's topic.
reputation-alarm

@scheduled
# Mailbox -> campaign -> domain -> account health scoring and conservative pausing.
health
  rate 5 minutes
# Held leads whose blocking condition cleared (resume, new day, raised cap) get another pass through the gate.
gate-reevaluation
  rate 5 minutes

@tables
# Every table uses a generic pk/sk; keys are built only in src/shared/adapters/dynamo/keys.ts.
leads
  pk *String
  sk **String
routing
  pk *String
  sk **String
campaigns
  pk *String
  sk **String
mailboxes
  pk *String
  sk **String
domains
  pk *String
  sk **String
audit
  pk *String
  sk **String
metrics
  pk *String
  sk **String
suppression
  pk *String
  sk **String
settings
  pk *String
  sk **String
users
  pk *String
  sk **String
  expiresAt TTL
sessions
  pk *String
  expiresAt TTL
sendclaims
  pk *String
  sk **String
imports
  pk *String
  sk **String
  expiresAt TTL
feedback
  pk *String
  expiresAt TTL

@tables-indexes
# Leads by status (held/active/paused/completed), newest first, bucketed by status.
leads
  gsi1pk *String
  gsi1sk **String
  name byStatus
# Leads of one campaign in queue order (the send loop's cursor).
leads
  gsi2pk *String
  gsi2sk **String
  name byCampaign
# Campaigns and mailboxes listed as a set (small sets: one partition each).
campaigns
  gsi1pk *String
  gsi1sk **String
  name byList
mailboxes
  gsi1pk *String
  gsi1sk **String
  name byDomain
domains
  gsi1pk *String
  gsi1sk **String
  name byList
# The audit timeline by month bucket, and by entity type + month bucket.
audit
  gsi1pk *String
  gsi1sk **String
  name byMonth
audit
  gsi2pk *String
  gsi2sk **String
  name byTypeMonth
# The suppression list as a person reads it, newest first.
suppression
  gsi1pk *String
  gsi1sk **String
  name byTime
# Recent imports, newest first, so one left at its column mapping can be found again (jobs only, not rows).
imports
  gsi1pk *String
  gsi1sk **String
  name byTime
# Sends by state, so a sweep finds `sending` claims past their timeout without a scan.
sendclaims
  gsi1pk *String
  gsi1sk **String
  name byState
