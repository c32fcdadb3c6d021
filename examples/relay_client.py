#!/usr/bin/env python3
"""Prints a Douyin live room's chat from a douyin-live relay, over Server-Sent Events.

Standard library only (Python 3.8+). Start a relay first:

    npx douyin-live relay 261378947940            # prints http://127.0.0.1:PORT
    python3 examples/relay_client.py http://127.0.0.1:PORT --room 261378947940

Each event is the JSON object `douyin-live watch --json` prints, plus `room`. On a dropped connection the
client reconnects with Last-Event-ID, and the relay replays what it missed from its buffer.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def events(url, token=None, last_event_id=None):
    """Yields (id, event) from one /events connection until it closes."""
    headers = {"Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = "Bearer " + token
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request) as response:
        event_id, data = None, []
        for raw in response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":  # a blank line ends an event
                if data:
                    yield event_id, json.loads("\n".join(data))
                event_id, data = None, []
            elif line.startswith("id:"):
                event_id = int(line[3:].strip())
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
            # "retry:" hints and ": ping" comments need nothing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("relay", help="the relay's URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--room", help="only this room (its key, as the relay lists it in /api/rooms)")
    parser.add_argument("--token", help="the relay's --token, if it has one")
    parser.add_argument("--exit-on-end", action="store_true", help="stop when the live ends")
    args = parser.parse_args()

    query = {"only": "chat"}
    if args.room:
        query["rooms"] = args.room
    url = args.relay.rstrip("/") + "/events?" + urllib.parse.urlencode(query)
    last_id = None
    while True:
        try:
            for event_id, event in events(url, args.token, last_id):
                if event_id is not None:
                    last_id = event_id
                kind = event.get("kind")
                if kind == "message":
                    user = event.get("user") or {}
                    name = user.get("nickname", "?") + (" (guest)" if user.get("masked") else "")
                    print("%s: %s" % (name, event.get("content", "")), flush=True)
                elif kind == "state" and event.get("state") in ("ended", "closed") and args.exit_on_end:
                    return 0
                elif kind == "resume-gap":
                    print("! missed events %d..%d" % (event["lastEventId"] + 1, event["oldestEventId"] - 1),
                          file=sys.stderr)
        except urllib.error.HTTPError as error:
            print("relay refused: %d %s" % (error.code, error.read().decode("utf-8", "replace")), file=sys.stderr)
            return 1
        except (urllib.error.URLError, ConnectionError) as error:
            print("! connection lost (%s), reconnecting" % error, file=sys.stderr)
        time.sleep(1)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
