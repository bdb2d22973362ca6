#!/usr/bin/env python3
"""A card with nothing on it, in vpcd's reader: enough for reader tests.

Connects to vpcd (the virtual reader pcscd loads), answers its ATR request
with --atr, and refuses every APDU.  It stays "inserted" until killed;
killing it (closing the socket) removes the card.  Prints "connected <time>" (ns
since the epoch) once vpcd has accepted it, and exits when vpcd goes away.
vpcd's protocol: each message is a 2-byte big-endian length and a payload;
a 1-byte payload is control (00 off, 01 on, 02 reset, 04 ATR, no reply
except to 04); anything longer is an APDU, answered with a response APDU.
"""
import argparse
import socket
import struct
import sys
import time


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def send(sock, payload):
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=35963)
    ap.add_argument("--atr", default="3BE000FF8131FE4514")
    ap.add_argument("--wait", type=float, default=10.0,
                    help="seconds to keep trying to reach vpcd")
    args = ap.parse_args()
    atr = bytes.fromhex(args.atr)

    deadline = time.monotonic() + args.wait
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", args.port), timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline:
                print("vpcd not reachable on port %d" % args.port, file=sys.stderr)
                return 3
            time.sleep(0.1)
    sock.settimeout(None)
    print("connected %d" % time.time_ns(), flush=True)
    while True:
        head = read_exact(sock, 2)
        if head is None:
            return 0
        (length,) = struct.unpack(">H", head)
        msg = read_exact(sock, length)
        if msg is None:
            return 0
        if length == 1:
            if msg[0] == 0x04:
                send(sock, atr)
            continue
        send(sock, b"\x6a\x82")


if __name__ == "__main__":
    sys.exit(main())
