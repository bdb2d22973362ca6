#!/usr/bin/python3
"""Connections against inkand's UNIX socket, for test-inkand-limits.sh.

inkand-conns.py SOCKET MAX TIMEOUT: opens MAX + 3 idle connections, a
trickling client and normal ones, and prints what it saw as one JSON object.
Every wait is bounded.
"""
import json
import select
import socket
import sys
import time

path, cap, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def closed(s, wait=0.0):
    """Whether the server closed S (EOF or reset) within WAIT seconds."""
    r, _, _ = select.select([s], [], [], wait)
    if not r:
        return False
    try:
        return s.recv(4096) == b""
    except OSError:
        return True


def get(target):
    """GET TARGET on a fresh connection: (status, body)."""
    s = connect()
    try:
        s.sendall(("GET %s HTTP/1.1\r\nHost: inkand\r\nConnection: close\r\n\r\n" % target).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        return 0, ""
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    return status, body.decode(errors="replace")


def metric(name):
    status, body = get("/metrics")
    for line in body.splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    return None


out = {}
start = time.monotonic()
held = []
for _ in range(cap + 3):
    held.append(connect())
    time.sleep(0.02)
time.sleep(0.3)
refused = [i for i, s in enumerate(held) if closed(s)]
out["refused"] = refused
# One slot free again: a new connection is served, and counted.
held[0].close()
time.sleep(0.1)
out["served_after_close"] = get("/healthz")[0]
out["refused_total"] = metric("inkand_connections_refused_total")
out["open_while_held"] = metric("inkand_connections")
# The idle ones sent no request: cut at the deadline, counted from accept.
alive = [s for i, s in enumerate(held) if i != 0 and i not in refused]
t0 = time.monotonic()
cut = [closed(s, max(0.0, timeout + 1.0 - (time.monotonic() - start))) for s in alive]
out["idle_cut"] = all(cut)
out["idle_cut_after"] = round(time.monotonic() - start, 2)
for s in held:
    s.close()
time.sleep(0.1)
out["open_after_close"] = metric("inkand_connections")
out["timeouts_total"] = metric("inkand_request_timeouts_total")

# A request one byte every 0.5 s: cut after TIMEOUT, however steady; a
# normal client is served meanwhile.
req = b"GET /healthz HTTP/1.1\r\nHost: inkand\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
s = connect()
t0 = time.monotonic()
sent = 0
normal = None
while sent < len(req) and time.monotonic() - t0 < timeout + 5:
    try:
        s.send(req[sent:sent + 1])
    except OSError:
        break
    sent += 1
    if closed(s, 0.5):
        break
    if normal is None and time.monotonic() - t0 > timeout / 2:
        normal = get("/healthz")[0]
out["trickle_cut_after"] = round(time.monotonic() - t0, 2)
out["trickle_sent"] = sent
out["normal_during_trickle"] = normal
s.close()

# All closed: as many as the cap are taken again, and served.
again = [connect() for _ in range(cap - 1)]
time.sleep(0.1)
out["again_open"] = sum(1 for s in again if not closed(s))
out["again_served"] = get("/healthz")[0]
for s in again:
    s.close()

# A burst, more than inkand sorts out in one turn of its loop (it pauses
# accepting meanwhile): the cap holds, and accepting resumes.
time.sleep(0.1)
burst = [connect() for _ in range(80)]
time.sleep(0.5)
out["burst_refused"] = sum(1 for s in burst if closed(s))
for s in burst:
    s.close()
time.sleep(0.1)
out["after_burst"] = get("/healthz")[0]
print(json.dumps(out))
