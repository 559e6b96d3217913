# Not in the Pivotr spec's table. Engaging the account brake is one DynamoDB transaction: 10 s and 128 MB.
# 2 at once: the bounce and the complaint alarm can fire together (engaging twice is harmless).
@aws
timeout 10
memory 128
concurrency 2
