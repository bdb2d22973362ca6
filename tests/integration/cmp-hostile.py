#!/usr/bin/env python3
"""A "CA" on 127.0.0.1 that answers CMP requests the way a broken or hostile
server would, for inkan cmp's robustness tests.

usage: cmp-hostile.py MODE PORTFILE
MODE: garbage (200, application/pkixcmp, random bytes), html (200, text/html),
      close (accepts, reads the request, closes without a word),
      huge (200, 1 MiB of DER-looking bytes), stall (reads, never answers).
The port it listens on is written to PORTFILE once it listens."""
import os
import socket
import sys
import time

mode, portfile = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)


def read_request(conn):
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    return data


def answer(conn, ctype, body):
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: " + ctype +
                 b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


while True:
    conn, _ = srv.accept()
    try:
        read_request(conn)
        if mode == "garbage":
            answer(conn, b"application/pkixcmp", os.urandom(300))
        elif mode == "html":
            answer(conn, b"text/html", b"<html><body>It works!</body></html>")
        elif mode == "huge":
            # A SEQUENCE header claiming 1 MiB, and the bytes to go with it.
            answer(conn, b"application/pkixcmp", b"\x30\x83\x10\x00\x00" + b"\x00" * (1 << 20))
        elif mode == "stall":
            time.sleep(30)
    except OSError:
        pass
    finally:
        conn.close()
