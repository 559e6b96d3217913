# Not in the Pivotr spec's table. Runs every 5 minutes over every held lead of every active campaign,
# so it gets 120 s (still under the 5-minute rate, so runs never overlap) and 1 at a time; 256 MB.
@aws
timeout 120
memory 256
concurrency 1
