# Pivotr spec 5.3.1/5.3.4, "process-feedback": an SES event is a few DynamoDB writes, so 10 s and
# 128 MB are plenty; up to 10 at once absorbs a burst of bounces without starving the other functions.
@aws
timeout 10
memory 128
concurrency 10
