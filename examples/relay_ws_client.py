#!/usr/bin/env python3
"""A minimal WebSocket client for a douyin-live relay, in the standard library only (Python 3.8+).

    python3 examples/relay_ws_client.py ws://127.0.0.1:PORT/ws?only=chat,gift

Prints one JSON object per line: exactly what `douyin-live watch --json` prints, plus `room`. It speaks just
enough of RFC 6455 for a relay: the handshake, unfragmented or fragmented text frames, ping/pong and close.
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def connect(url, token=None):
    """Opens the socket and completes the handshake; raises on a refused one (401, 403, 400...)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "ws":
        raise ValueError("only ws:// URLs (put the relay behind a TLS proxy for wss://)")
    sock = socket.create_connection((parts.hostname, parts.port or 80))
    key = base64.b64encode(os.urandom(16)).decode()
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    lines = [
        "GET %s HTTP/1.1" % path,
        "Host: %s:%d" % (parts.hostname, parts.port or 80),
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: " + key,
        "Sec-WebSocket-Version: 13",
    ]
    if token:
        lines.append("Authorization: Bearer " + token)
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    reader = sock.makefile("rb")
    status = reader.readline().decode()
    headers = {}
    while True:
        line = reader.readline().decode().rstrip("\r\n")
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if " 101 " not in status:
        body = reader.read(int(headers.get("content-length", "0"))).decode("utf-8", "replace")
        raise ConnectionError("handshake refused: %s %s" % (status.strip(), body))
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    if headers.get("sec-websocket-accept") != accept:
        raise ConnectionError("bad Sec-WebSocket-Accept")
    return sock, reader


def send(sock, opcode, payload=b""):
    """Sends one masked frame (clients must mask)."""
    mask = os.urandom(4)
    n = len(payload)
    header = struct.pack("!B", 0x80 | opcode)
    if n < 126:
        header += struct.pack("!B", 0x80 | n)
    elif n < 1 << 16:
        header += struct.pack("!BH", 0x80 | 126, n)
    else:
        header += struct.pack("!BQ", 0x80 | 127, n)
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def messages(sock, reader):
    """Yields each text message; answers pings; returns on close (with the close code)."""
    fragments = []
    while True:
        head = reader.read(2)
        if len(head) < 2:
            return None
        fin, opcode = head[0] & 0x80, head[0] & 0x0F
        n = head[1] & 0x7F
        if n == 126:
            n = struct.unpack("!H", reader.read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", reader.read(8))[0]
        payload = reader.read(n)  # servers never mask
        if opcode == 0x9:  # ping
            send(sock, 0xA, payload)
        elif opcode == 0x8:  # close: echo it, report the code
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            send(sock, 0x8, payload[:2])
            return code
        elif opcode in (0x1, 0x0):
            fragments.append(payload)
            if fin:
                yield b"".join(fragments).decode("utf-8")
                fragments = []


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    token = os.environ.get("RELAY_TOKEN")
    sock, reader = connect(sys.argv[1], token)
    try:
        for text in messages(sock, reader):
            print(text, flush=True)
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
