# Pivotr spec 5.3.1/5.3.4, "send-email": one pulse verifies one lead and sends one email; the verifier
# and SES clients each give up after 10 s, so 30 s holds one pulse at its slowest (the queue hands this
# function one pulse at a time, see production-guards). 256 MB is what an SES call and a DynamoDB
# transaction need. At most 5 pulses at once keeps SES's send rate and the verifier's credits safe even
# if a bug fans pulses out.
@aws
timeout 30
memory 256
concurrency 5
