# Pivotr spec 5.3.1/5.3.4, "api-handlers": a person's request should answer in well under 10 s (API
# Gateway itself stops waiting at 30 s); 256 MB; at most 10 at once so abuse cannot exhaust the account's
# concurrency that the send loop needs.
@aws
timeout 10
memory 256
concurrency 10
