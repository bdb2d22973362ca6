#!/usr/bin/env python3
# acked-in-log.py LOG.json ACKED...: every seq a writer acknowledged
# ("SEQ CLIENT DIGEST" lines, as audit-writer prints them; a line cut by a
# kill is skipped) is in the log, `inkan --json audit show`, with that
# client and digest.  Exit 1 when one is not, or nothing was acknowledged.
import json
import sys

log = {r["seq"]: (r["client"], r["digest"]) for r in json.load(open(sys.argv[1]))}
bad = n = 0
for name in sys.argv[2:]:
    for line in open(name):
        parts = line.split()
        if len(parts) != 3:
            continue
        n += 1
        seq, client, digest = int(parts[0]), parts[1], parts[2]
        if log.get(seq) != (client, digest):
            print("seq %d: acknowledged %s %s, log has %s" % (seq, client, digest, log.get(seq)))
            bad += 1
print("%d acknowledged, %d in the log" % (n, len(log)))
sys.exit(1 if bad or n == 0 else 0)
