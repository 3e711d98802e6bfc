#!/usr/bin/python3
"""Opens each HTML page in headless Chromium and checks that it renders offline.

Usage: scripts/check_html.py [--expect-series N] [--screenshot-dir DIR] [--expect-element SELECTOR]...
                             [--click SELECTOR --expect-change SELECTOR] PAGE.html...

For each page:
  - static: no http(s):// or protocol-relative URL in src/href/url(), no
    <script src>, no stylesheet <link>, no <iframe>/<object>/<embed>;
  - in the browser (Chrome DevTools Protocol over --remote-debugging-pipe, so
    no port and no Python package is needed): no console error, no uncaught
    exception, no error logged by the browser (a Content-Security-Policy
    violation or a failed load is one), and no request other than the page
    itself (host names also resolve to nothing, so a request could not leave);
  - each element with data-expected-series="N" holds N elements of class
    "series" in the rendered DOM; with --expect-series N, so does every <svg>;
    every SVG that is displayed has a non-empty size;
  - with --expect-element SELECTOR (repeatable): the rendered page holds an
    element matching it that is displayed with a non-empty size (a table of
    outputs, a marked token);
  - with --click A --expect-change B: a real mouse click (Input.dispatchMouseEvent)
    in the middle of the first element matching A changes the first element
    matching B (its outerHTML, which holds inline styles), with no error;
  - a full-page screenshot, PAGE.png beside the page (or in --screenshot-dir),
    taken after the click; with --screenshot-element SELECTOR, of that
    element only (e.g. the section that holds the coloured text).
Exit status 0 when every page passes, 1 otherwise; one line per page.
"""
import argparse
import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT_SECONDS = 30

# Attribute or CSS references that would fetch something.
FETCHING = [
    (re.compile(r'''\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?!data:|#)[^"'\s>]+''', re.I),
     "a src/href that is not a data: URL or #fragment"),
    (re.compile(r'''url\(\s*["']?\s*(?!data:|#)''', re.I), "a CSS url() that is not data:"),
    (re.compile(r'@import', re.I), "a CSS @import"),
    (re.compile(r'<(?:iframe|object|embed)\b', re.I), "an <iframe>, <object> or <embed>"),
    (re.compile(r'<link\b[^>]*rel=["\']?stylesheet', re.I), "a stylesheet <link>"),
]


def static_problems(text):
    problems = []
    for pattern, what in FETCHING:
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {what}: {match.group(0)[:80]!r}")
    return problems


class Browser:
    """Headless Chromium driven over the DevTools pipe (fd 3 in, fd 4 out)."""

    def __init__(self, executable, profile_dir, log_file):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire_pipes():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        command = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,900", "--hide-scrollbars",
            f"--user-data-dir={profile_dir}", "about:blank",
        ]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                                        close_fds=False, preexec_fn=wire_pipes)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.from_child], [], [], remaining)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe (did it start? see its log)")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=TIMEOUT_SECONDS):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout=TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def drain(self, seconds):
        """Collects the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_child)
        os.close(self.from_child)


# Runs in the page: counts series per declared plot and per SVG.
INSPECT = r"""
(() => {
  const plots = [...document.querySelectorAll('[data-expected-series]')].map((e, i) => ({
    index: i, expected: Number(e.dataset.expectedSeries), found: e.querySelectorAll('.series').length,
    names: [...e.querySelectorAll('.series')].map(s => s.dataset.series)}));
  const svgs = [...document.querySelectorAll('svg')].map((s, i) => {
    const r = s.getBoundingClientRect();
    const shown = s.checkVisibility ? s.checkVisibility() : s.offsetParent !== null;
    return {index: i, series: s.querySelectorAll('.series').length, shown, width: r.width, height: r.height};
  });
  return JSON.stringify({plots, svgs, title: document.title});
})()
"""


def evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        raise RuntimeError(f"script in the page failed: {result['exceptionDetails']}")
    return result["result"].get("value")


def click_changes(browser, session, click, expect_change):
    """Clicks the middle of `click` with the mouse; returns (problems, summary)."""
    snapshot = f"(() => {{ const e = document.querySelector({json.dumps(expect_change)}); return e ? e.outerHTML : null; }})()"
    before = evaluate(browser, session, snapshot)
    if before is None:
        return [f"no element matches --expect-change {expect_change!r}"], ""
    where = evaluate(browser, session, f"""(() => {{
        const e = document.querySelector({json.dumps(click)});
        if (!e) return null;
        e.scrollIntoView({{block: 'center'}});
        const r = e.getBoundingClientRect();
        return JSON.stringify({{x: r.x + r.width / 2, y: r.y + r.height / 2, text: e.textContent.slice(0, 60)}});
    }})()""")
    if where is None:
        return [f"no element matches --click {click!r}"], ""
    point = json.loads(where)
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", {"type": kind, "x": point["x"], "y": point["y"], "button": "left",
                                                  "clickCount": 1}, session=session)
    browser.drain(0.3)
    after = evaluate(browser, session, snapshot)
    if after == before:
        return [f"clicking {click!r} ({point['text']!r}) did not change {expect_change!r}"], ""
    return [], f"; clicking {point['text']!r} changed {expect_change}"


# Runs in the page: how many elements match a selector, and how many of them are displayed.
def count_shown(browser, session, selector):
    found = evaluate(browser, session, f"""(() => {{
        const all = [...document.querySelectorAll({json.dumps(selector)})];
        const shown = all.filter(e => {{ const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }});
        return JSON.stringify({{all: all.length, shown: shown.length}});
    }})()""")
    return json.loads(found)


def check_page(browser, page, expect_series, screenshot_path, click=None, expect_change=None,
               screenshot_element=None, expect_elements=()):
    problems = []
    url = "file://" + os.path.abspath(page)
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    try:
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")
        browser.drain(0.5)  # late console messages and requests
        clicked = ""
        if click:
            problems_of_click, clicked = click_changes(browser, session, click, expect_change)
            problems += problems_of_click

        for event in browser.events:
            if event.get("sessionId") not in (None, session):
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                problems.append(f"console error: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                problems.append(f"uncaught exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                problems.append(f"browser error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
            elif method == "Network.requestWillBeSent":
                request_url = params.get("request", {}).get("url", "")
                if request_url != url and not request_url.startswith("data:"):
                    problems.append(f"network request: {request_url}")
            elif method == "Network.loadingFailed" and params.get("type") != "Document":
                problems.append(f"failed load: {params.get('errorText')}")

        found = json.loads(evaluate(browser, session, INSPECT))
        for plot in found["plots"]:
            if plot["expected"] != plot["found"]:
                problems.append(f"plot {plot['index']}: expected {plot['expected']} series, found "
                                f"{plot['found']} {plot['names']}")
        for svg in found["svgs"]:
            if expect_series is not None and svg["series"] != expect_series:
                problems.append(f"svg {svg['index']}: expected {expect_series} series, found {svg['series']}")
            if svg["shown"] and (svg["width"] <= 0 or svg["height"] <= 0):
                problems.append(f"svg {svg['index']} is shown with an empty size")
        if not found["svgs"]:
            problems.append("no <svg> in the page")
        elements = []
        for selector in expect_elements:
            counts = count_shown(browser, session, selector)
            if counts["all"] == 0:
                problems.append(f"no element matches --expect-element {selector!r}")
            elif counts["shown"] == 0:
                problems.append(f"--expect-element {selector!r} matches only hidden elements ({counts['all']})")
            elements.append(f"{counts['shown']} {selector}")

        metrics = browser.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": max(1, size["width"]), "height": max(1, size["height"]), "scale": 1}
        if screenshot_element:
            box = evaluate(browser, session, f"""(() => {{
                const e = document.querySelector({json.dumps(screenshot_element)});
                if (!e) return null;
                const r = e.getBoundingClientRect();
                return JSON.stringify({{x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height}});
            }})()""")
            if box is None:
                problems.append(f"no element matches --screenshot-element {screenshot_element!r}")
            else:
                clip.update(json.loads(box))
        shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                            session=session)
        with open(screenshot_path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        series = sum(svg["series"] for svg in found["svgs"])
        shown = "".join(f"; {e}" for e in elements)
        return problems, f"{len(found['svgs'])} svg, {series} series, {len(found['plots'])} declared plots{shown}{clicked}"
    finally:
        browser.send("Target.closeTarget", {"targetId": target})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--expect-series", type=int, default=None,
                        help="every <svg> must hold this many elements of class 'series'")
    parser.add_argument("--screenshot-dir", default=None, help="where PAGE.png goes (default: beside the page)")
    parser.add_argument("--click", default=None, help="CSS selector of an element to click once in each page")
    parser.add_argument("--expect-change", default=None,
                        help="CSS selector of the element the click must change (with --click)")
    parser.add_argument("--screenshot-element", default=None,
                        help="CSS selector of the element to screenshot (default: the whole page)")
    parser.add_argument("--expect-element", action="append", default=[],
                        help="CSS selector that must match a displayed element in each page (repeatable)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "chromium"))
    args = parser.parse_args()
    if bool(args.click) != bool(args.expect_change):
        parser.error("--click and --expect-change go together")

    executable = shutil.which(args.chromium)
    if not executable:
        sys.exit(f"check_html: {args.chromium} not found; install it with: apt-get install chromium")

    failed = 0
    with tempfile.TemporaryDirectory(prefix="recur_check_html_") as scratch:
        log_path = os.path.join(scratch, "chromium.log")
        with open(log_path, "w") as log_file:
            browser = Browser(executable, os.path.join(scratch, "profile"), log_file)
            try:
                browser.send("Target.setDiscoverTargets", {"discover": True})
                for page in args.pages:
                    if not os.path.isfile(page):
                        print(f"FAIL {page}: no such file")
                        failed += 1
                        continue
                    with open(page, encoding="utf-8") as f:
                        problems = static_problems(f.read())
                    folder = args.screenshot_dir or os.path.dirname(os.path.abspath(page))
                    os.makedirs(folder, exist_ok=True)
                    screenshot = os.path.join(folder, os.path.splitext(os.path.basename(page))[0] + ".png")
                    browser_problems, summary = check_page(browser, page, args.expect_series, screenshot, args.click,
                                                            args.expect_change, args.screenshot_element,
                                                            args.expect_element)
                    problems += browser_problems
                    if problems:
                        failed += 1
                        print(f"FAIL {page}: {summary}; screenshot {screenshot}")
                        for problem in problems:
                            print(f"  {problem}")
                    else:
                        print(f"ok   {page}: {summary}; screenshot {screenshot}")
            except Exception as error:
                browser.close()
                log_file.flush()
                with open(log_path) as log:
                    tail = log.read()[-3000:]
                sys.exit(f"check_html: {error}\n--- chromium's log (end) ---\n{tail}")
            browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
