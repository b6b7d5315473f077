#!/usr/bin/env python3
"""Drives the reformsim dashboard in a running headless Chromium over the Chrome
DevTools Protocol (standard library only: a minimal WebSocket client is below).

It loads the page, waits for the baseline, moves levers the way a trainer does
(a slider's input and change events, a switch's click), checks that the
indicator table, the bar charts and the backlog chart change and that the
plain-language lines explain the change, measures the time from each lever change
to the redrawn charts, and saves a screenshot of the whole page.

    drive.py --devtools-port PORT --url http://127.0.0.1:8080/ --screenshot out.png

Exit status 0 if every check passes, 1 otherwise (the reason is printed).
"""

import argparse
import base64
import json
import os
import socket
import statistics
import struct
import sys
import time
import urllib.request


class Failure(Exception):
    """A check that did not hold."""


# ---- a minimal WebSocket client (RFC 6455), enough for DevTools -------------


class WebSocket:
    def __init__(self, url, timeout=30.0):
        assert url.startswith("ws://"), url
        rest = url[len("ws://"):]
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port or 80)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise Failure("DevTools closed the connection during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise Failure(f"DevTools refused the WebSocket: {head.decode(errors='replace')}")

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise Failure("DevTools closed the connection")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])  # final frame, text
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive(self):
        message = b""
        while True:
            first, second = self._exact(2)
            opcode = first & 0x0F
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if second & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise Failure("DevTools closed the WebSocket")
            if opcode == 0x9:  # ping: answer with a pong
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            message += payload
            if first & 0x80:
                return message.decode()


# ---- DevTools -----------------------------------------------------------------


class Page:
    def __init__(self, devtools_port):
        base = f"http://127.0.0.1:{devtools_port}"
        deadline = time.time() + 30
        targets = []
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/json/list", timeout=5) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not targets:
            raise Failure("Chromium shows no page to drive")
        self.ws = WebSocket(targets[0]["webSocketDebuggerUrl"])
        self.next_id = 0
        self.problems = []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise Failure(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.problems.append(f"JavaScript exception: {text}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.problems.append(f"console error: {params['entry'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.problems.append(f"console.error: {args}")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise Failure(f"evaluating {expression[:60]}…: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression, what, timeout=30.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.02)
        raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")


# ---- the checks ---------------------------------------------------------------

SNAPSHOT = """JSON.stringify({
  version: Number(document.body.dataset.version || 0),
  table: document.querySelector('#indicators tbody').innerHTML,
  bars: document.getElementById('bars').innerHTML,
  backlog: document.getElementById('backlog').innerHTML,
  changes: Array.from(document.querySelectorAll('#changes li')).map(li => li.textContent),
  error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
})"""


def snapshot(page):
    return json.loads(page.evaluate(SNAPSHOT))


def move_slider(page, element_id, value):
    """Sets a range input as a dragged-and-released slider does; returns the
    page's clock at the change and the page version before it."""
    return page.evaluate(
        f"""(() => {{
          const el = document.getElementById({json.dumps(element_id)});
          const before = Number(document.body.dataset.version || 0);
          window.__leverAt = performance.now();
          el.value = {json.dumps(str(value))};
          el.dispatchEvent(new Event('input', {{ bubbles: true }}));
          el.dispatchEvent(new Event('change', {{ bubbles: true }}));
          return before;
        }})()"""
    )


def click(page, element_id):
    return page.evaluate(
        f"""(() => {{
          const before = Number(document.body.dataset.version || 0);
          window.__leverAt = performance.now();
          document.getElementById({json.dumps(element_id)}).click();
          return before;
        }})()"""
    )


def choose_scenario(page, scenario_id):
    return page.evaluate(
        f"""(() => {{
          const before = Number(document.body.dataset.version || 0);
          window.__leverAt = performance.now();
          const select = document.getElementById('scenario');
          select.value = {json.dumps(scenario_id)};
          select.dispatchEvent(new Event('change', {{ bubbles: true }}));
          return before;
        }})()"""
    )


def select(page, element_id, value):
    return page.evaluate(
        f"""(() => {{
          const before = Number(document.body.dataset.version || 0);
          window.__leverAt = performance.now();
          const el = document.getElementById({json.dumps(element_id)});
          el.value = {json.dumps(value)};
          el.dispatchEvent(new Event('change', {{ bubbles: true }}));
          return before;
        }})()"""
    )


def row_verdict(page, label_start):
    """The class of the change cell of the indicator row whose label starts with `label_start`."""
    return page.evaluate(
        f"""(() => {{
          const row = Array.from(document.querySelectorAll('#indicators tbody tr'))
            .find(tr => tr.cells[0].textContent.startsWith({json.dumps(label_start)}));
          return row ? row.cells[3].className : 'missing';
        }})()"""
    )


def settle(page, before):
    """Waits for the page to show a newer result than `before` and for no request
    to be pending; returns the milliseconds from the lever change to the redraw."""
    page.wait_for(
        f"Number(document.body.dataset.version || 0) > {before} && !document.body.classList.contains('busy')",
        "the charts to update",
    )
    return page.evaluate("Number(document.body.dataset.renderedAt) - window.__leverAt")


def check_changed(before, after, what):
    if after["error"]:
        raise Failure(f"after {what} the page shows an error: {after['error']}")
    for part in ("table", "bars", "backlog"):
        if after[part] == before[part]:
            raise Failure(f"after {what} the {part} did not change")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devtools-port", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--latency-runs", type=int, default=9)
    parser.add_argument("--max-median-ms", type=float, default=float(os.environ.get("DASHBOARD_MAX_MEDIAN_MS", 2000)))
    args = parser.parse_args()

    page = Page(args.devtools_port)
    page.call("Runtime.enable")
    page.call("Log.enable")
    page.call("Page.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=1600, height=1000, deviceScaleFactor=1, mobile=False)
    page.call("Page.navigate", url=args.url)
    page.wait_for("document.readyState === 'complete'", "the page to load")
    page.wait_for("Number(document.body.dataset.version || 0) >= 1", "the baseline to be shown", timeout=60)
    baseline = snapshot(page)
    status = page.evaluate("document.getElementById('status').textContent")
    if not status.startswith("Loaded in"):
        raise Failure(f"on first load the status line reads {status!r}, not 'Loaded in …'")
    if baseline["error"]:
        raise Failure(f"the page shows an error: {baseline['error']}")
    scenario = page.evaluate("document.getElementById('scenario').value")
    rows = page.evaluate("document.querySelectorAll('#indicators tbody tr').length")
    bars = page.evaluate("document.querySelectorAll('#bars svg rect').length")
    print(f"loaded {scenario}: {rows} indicator rows, {bars} bars, lines: {baseline['changes']}")
    if scenario != "small-department.ron" or rows < 10 or bars != 12:
        raise Failure("the page did not open on the county with its table and six bar charts")

    # A trainer drags the data-sharing slider to 60%.
    ms = settle(page, move_slider(page, "data_sharing_share", 60))
    shared = snapshot(page)
    check_changed(baseline, shared, "moving the data-sharing slider")
    label = page.evaluate("document.getElementById('data_sharing_share-value').textContent")
    if label != "60%":
        raise Failure(f"the slider's label reads {label!r}, not 60%")
    if not any("fetched from other departments" in line or "never missing" in line for line in shared["changes"]):
        raise Failure(f"no line explains the data-sharing change: {shared['changes']}")
    print(f"data sharing 60%: updated in {ms:.0f} ms; lines: {shared['changes']}")

    # A switch: one window.
    settle(page, click(page, "one_window"))
    windowed = snapshot(page)
    check_changed(shared, windowed, "switching one window on")
    if not any("one window" in line for line in windowed["changes"]):
        raise Failure(f"no line names one window: {windowed['changes']}")

    # The time from a slider change to redrawn charts, on the county (baseline
    # cached, each reform new to the server).
    latencies = []
    for i in range(args.latency_runs):
        latencies.append(settle(page, move_slider(page, "online_share", 5 * (i + 1))))
    median = statistics.median(latencies)
    print(
        "slider change to updated charts, county, %d runs: median %.0f ms, min %.0f ms, max %.0f ms"
        % (len(latencies), median, min(latencies), max(latencies))
    )

    # Another scenario: the levers it does not offer are switched off.
    settle(page, choose_scenario(page, "validation/tandem.ron"))
    tandem = snapshot(page)
    check_changed(windowed, tandem, "choosing another scenario")
    if not page.evaluate("document.getElementById('data_sharing_share').disabled"):
        raise Failure("data sharing is offered on the tandem line, which has no documents")
    if any(page.evaluate(f"document.getElementById('{i}').checked") for i in ("one_window",)):
        raise Failure("the levers were not reset for the new scenario")
    print(f"validation/tandem.ron: lines: {tandem['changes']}")
    why = page.evaluate("document.getElementById('data_sharing_share').closest('label').title")
    if not why.startswith("Not available in this scenario"):
        raise Failure(f"the greyed-out data-sharing lever has no tooltip saying why: {why!r}")

    # Online service alone: what it moves is explained by it, not by "other changes".
    settle(page, choose_scenario(page, "small-department.ron"))
    settle(page, move_slider(page, "online_share", 50))
    online = snapshot(page)
    if any("other" in line for line in online["changes"]):
        raise Failure(f"online service alone is explained by other changes: {online['changes']}")
    print(f"online 50% alone: lines: {online['changes']}")

    # The merger with 40% of established staff kept: applicants give up. The room
    # must read it first, and the one-trip share must not show as better.
    settle(page, click(page, "reset"))
    settle(page, select(page, "merger", "no_transition"))
    settle(page, move_slider(page, "headcount_target_share", 40))
    cut = snapshot(page)
    if not cut["changes"] or "give up" not in cut["changes"][0]:
        raise Failure(f"the merger with a 60% cut: 'What changed' does not lead with applicants giving up: {cut['changes']}")
    verdict = row_verdict(page, "Done in at most one trip")
    if verdict == "good":
        raise Failure("the merger with a 60% cut marks the one-trip share as better")
    print(f"merger, 40% kept: one-trip cell {verdict!r}; lines: {cut['changes']}")

    # A projector's 1280 x 720: the table starts above the fold.
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=720, deviceScaleFactor=1, mobile=False)
    top = page.evaluate("document.getElementById('indicators').getBoundingClientRect().top + window.scrollY")
    if top >= 720:
        raise Failure(f"at 1280 x 720 the indicator table starts at {top:.0f} px, below the fold")
    print(f"1280 x 720: the table starts at {top:.0f} px")

    # The screenshot: the county with a reform a room would discuss, the whole page.
    settle(page, choose_scenario(page, "small-department.ron"))
    settle(page, move_slider(page, "data_sharing_share", 60))
    settle(page, click(page, "one_window"))
    settle(page, move_slider(page, "online_share", 40))
    page.call("Emulation.setDeviceMetricsOverride", width=1600, height=1000, deviceScaleFactor=1, mobile=False)
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.call("Emulation.setDeviceMetricsOverride", width=1600, height=int(height), deviceScaleFactor=1, mobile=False)
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    with open(args.screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    print(f"screenshot: {args.screenshot} (1600 x {height})")

    if page.problems:
        raise Failure("the page reported problems:\n  " + "\n  ".join(page.problems))
    if median > args.max_median_ms:
        raise Failure(f"median latency {median:.0f} ms is above the {args.max_median_ms:.0f} ms limit")
    print("dashboard e2e: ok")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"dashboard e2e: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
