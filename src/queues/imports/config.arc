# Pivotr spec 5.3.1/5.3.4, "lead-import": a chunk of a CSV/XLSX import writes many leads, so it gets the
# longest timeout (60 s) and the most memory (512 MB; the 50,000-row benchmark peaks near 225 MB). Only 2
# chunks at once, so an import never crowds the send loop out of the tables' write capacity.
@aws
timeout 60
memory 512
concurrency 2
