#!/usr/bin/env python3
"""A Douyin live client as they were written in late 2022, standard library only.

Written independently of the TypeScript SDK, to check that the simulator also serves older clients:

1. GET the room page and read the room id from the RENDER_DATA script (URL-encoded JSON at
   app.initialState.roomStore.roomInfo), keeping the ttwid cookie of that page's own response;
2. open the push WebSocket with no `signature` parameter (a minimal RFC 6455 client over a socket);
3. gunzip every PushFrame payload, decode the Response, ack when need_ack is set (with the Response's
   internal_ext, as clients of that time did) and print each WebcastChatMessage as `nickname: content`.

Usage: python3 legacy_client.py <http base url> <web_rid> <number of chat lines>
Exits 0 after printing that many lines (or at the end of the live), 1 on error.
"""

import base64
import hashlib
import json
import os
import re
import socket
import sys
import time
import urllib.parse
import urllib.request
import zlib

USER_UNIQUE_ID = "7319483754668557238"  # the hard-coded id clients of the time used
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/108.0.0.0 Safari/537.36"
)
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
HEARTBEAT_INTERVAL_S = 5


# --- protobuf: a minimal field walker ------------------------------------------------------------------------


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yields (field number, value): ints for varints, bytes for length-delimited fields."""
    pos = 0
    while pos < len(buf):
        tag, pos = read_varint(buf, pos)
        number, wire_type = tag >> 3, tag & 7
        if wire_type == 0:
            value, pos = read_varint(buf, pos)
        elif wire_type == 2:
            length, pos = read_varint(buf, pos)
            value = bytes(buf[pos : pos + length])
            if len(value) != length:
                raise ValueError("truncated field")
            pos += length
        elif wire_type == 1:
            value = bytes(buf[pos : pos + 8])
            pos += 8
        elif wire_type == 5:
            value = bytes(buf[pos : pos + 4])
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire_type)
        yield number, value


def encode_varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return encode_varint(number << 3) + encode_varint(value)


def field_bytes(number, value):
    return encode_varint((number << 3) | 2) + encode_varint(len(value)) + value


# --- the room page ------------------------------------------------------------------------------------------


def fetch_room(base, web_rid):
    request = urllib.request.Request(base + "/" + web_rid, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode("utf-8")
        cookies = response.headers.get_all("Set-Cookie") or []
    ttwid = None
    for line in cookies:
        m = re.match(r"ttwid=([^;]+)", line)
        if m:
            ttwid = m.group(1)
    if ttwid is None:
        raise RuntimeError("the room page set no ttwid cookie")
    m = re.search(r'<script id="RENDER_DATA" type="application/json">([^<]+)</script>', html)
    if not m:
        raise RuntimeError("no RENDER_DATA on the room page")
    data = json.loads(urllib.parse.unquote(m.group(1)))
    info = data["app"]["initialState"]["roomStore"]["roomInfo"]
    return {
        "room_id": info["roomId"],
        "title": info["room"]["title"],
        "user_count_str": info["room"]["user_count_str"],
        "ttwid": ttwid,
    }


# --- a minimal RFC 6455 client ------------------------------------------------------------------------------


class WebSocket:
    def __init__(self, url, headers):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + ("?" + parts.query if parts.query else "")
        lines = [
            "GET %s HTTP/1.1" % path,
            "Host: %s:%d" % (parts.hostname, parts.port or 80),
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: " + key,
            "Sec-WebSocket-Version: 13",
        ] + ["%s: %s" % kv for kv in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode()
        if " 101 " not in status + " ":
            raise RuntimeError("handshake refused: " + status + " " + head.decode(errors="replace"))
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        if expected.encode() not in head:
            raise RuntimeError("bad Sec-WebSocket-Accept")

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, opcode, payload):
        header = bytearray([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += n.to_bytes(2, "big")
        else:
            header.append(0x80 | 127)
            header += n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def receive(self):
        """Returns (opcode, payload) of the next data or close frame; answers pings on the way."""
        message = b""
        first_opcode = None
        while True:
            b0, b1 = self._exact(2)
            fin, opcode = b0 & 0x80, b0 & 0x0F
            length = b1 & 0x7F
            if length == 126:
                length = int.from_bytes(self._exact(2), "big")
            elif length == 127:
                length = int.from_bytes(self._exact(8), "big")
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self.send(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                return opcode, payload
            if first_opcode is None:
                first_opcode = opcode
            message += payload
            if fin:
                return first_opcode, message

    def close(self):
        try:
            self.send(0x8, (1000).to_bytes(2, "big"))
        except OSError:
            pass
        self.sock.close()


# --- the session --------------------------------------------------------------------------------------------


def chat_line(payload):
    nickname, content = "", ""
    for number, value in fields(payload):
        if number == 2:
            for n, v in fields(value):
                if n == 3:
                    nickname = v.decode("utf-8")
        elif number == 3:
            content = value.decode("utf-8")
    return "%s: %s" % (nickname, content)


def is_live_end(payload):
    return any(number == 2 and value == 3 for number, value in fields(payload))


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    base, web_rid, wanted = argv[1].rstrip("/"), argv[2], int(argv[3])
    room = fetch_room(base, web_rid)
    print("room %s %s (%s)" % (room["room_id"], room["title"], room["user_count_str"]), file=sys.stderr)
    query = urllib.parse.urlencode(
        [
            ("app_name", "douyin_web"),
            ("version_code", "180800"),
            ("webcast_sdk_version", "1.3.0"),
            ("update_version_code", "1.3.0"),
            ("compress", "gzip"),
            ("internal_ext", ""),
            ("cursor", ""),
            ("host", "https://live.douyin.com"),
            ("aid", "6383"),
            ("live_id", "1"),
            ("did_rule", "3"),
            ("debug", "false"),
            ("endpoint", "live_pc"),
            ("support_wrds", "1"),
            ("im_path", "/webcast/im/fetch/"),
            ("user_unique_id", USER_UNIQUE_ID),
            ("device_platform", "web"),
            ("cookie_enabled", "true"),
            ("browser_language", "zh-CN"),
            ("browser_platform", "Win32"),
            ("browser_name", "Mozilla"),
            ("browser_version", USER_AGENT[len("Mozilla/") :]),
            ("browser_online", "true"),
            ("tz_name", "Asia/Shanghai"),
            ("identity", "audience"),
            ("room_id", room["room_id"]),
            ("heartbeatDuration", "0"),
        ]
    )
    ws_base = "ws" + base[len("http") :] if base.startswith("http") else base
    ws = WebSocket(
        ws_base + "/webcast/im/push/v2/?" + query,
        {"Cookie": "ttwid=" + room["ttwid"], "User-Agent": USER_AGENT},
    )
    printed = 0
    last_heartbeat = time.monotonic()
    heartbeat = field_bytes(7, b"hb")
    try:
        while printed < wanted:
            if time.monotonic() - last_heartbeat > HEARTBEAT_INTERVAL_S:
                ws.send(0x2, heartbeat)
                last_heartbeat = time.monotonic()
            opcode, data = ws.receive()
            if opcode == 0x8:
                break
            if opcode != 0x2:
                continue
            frame = dict(fields(data))
            if frame.get(7, b"") != b"msg":
                continue
            response = zlib.decompress(frame.get(8, b""), 16 + zlib.MAX_WBITS)
            messages, internal_ext, need_ack = [], b"", False
            for number, value in fields(response):
                if number == 1:
                    messages.append(dict(fields(value)))
                elif number == 5:
                    internal_ext = value
                elif number == 9:
                    need_ack = bool(value)
            if need_ack:
                ack = field_varint(2, frame.get(2, 0)) + field_bytes(7, b"ack") + field_bytes(8, internal_ext)
                ws.send(0x2, ack)
            for message in messages:
                method = message.get(1, b"").decode()
                if method == "WebcastChatMessage" and printed < wanted:
                    print(chat_line(message.get(2, b"")), flush=True)
                    printed += 1
                elif method == "WebcastControlMessage" and is_live_end(message.get(2, b"")):
                    print("live ended", file=sys.stderr)
                    return 0
    finally:
        ws.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as error:  # one line, like a CLI
        print("legacy_client: %s" % error, file=sys.stderr)
        sys.exit(1)
