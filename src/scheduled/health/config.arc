# Not in the Pivotr spec's table. Runs every 5 minutes: 60 s is far more than one health pass needs and
# well under the 5-minute rate, so runs never overlap; 1 at a time for the same reason; 256 MB.
@aws
timeout 60
memory 256
concurrency 1
