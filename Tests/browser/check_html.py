#!/usr/bin/env python3
"""Opens each bundled trace's HTML page in a real browser and steps through it.

For every Traces/*.jsonl: `tokenlab show TRACE --as html --output PAGE`, load
PAGE from file:// in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium), press the right arrow through every step and check what
the page shows: the step counter, diagram rows appearing (an arrow among
them), each step's command, and at the end every outcome row of the trace.
Then the left arrow goes back one step. Printed (print media, A4 width) the
page must show every step at once and nothing wider than the paper. No network request may be made: the
page's own resource timing and Chromium's network log must show none but the
page itself. A trace whose narration holds `</script>` must show it as text.
A refresh token kept across refreshes under an idle limit must show, at each
step, the deadline its latest use set (the bar's tooltip), not its first one.

usage: check_html.py TOKENLAB [TRACES_DIR] [--screenshots DIR]
Exit status 0 when every page passes; 1 with each failure on stderr.
Screenshots (optional) go to a directory outside the repository.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

failures = []
# While the canary (a page tampered on purpose) is checked, its findings are
# expected: they are counted, not printed as failures.
expecting_failures = False


def fail(page, message):
    failures.append(f"{page}: {message}")
    if not expecting_failures:
        print(f"FAIL {page}: {message}", file=sys.stderr)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-default-apps", "--disable-sync"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


STATE = """
const rows = Array.from(document.querySelectorAll('#diagram g.row'));
const shown = rows.filter(r => !r.classList.contains('future'));
const outcomes = Array.from(document.querySelectorAll('#outcomes tr.outcome'))
  .filter(r => getComputedStyle(r).display !== 'none')
  .map(r => r.cells[1].textContent);
return {
  counter: document.getElementById('counter').textContent,
  shown: shown.length,
  arrows: shown.filter(r => r.classList.contains('request') || r.classList.contains('theft')).length,
  now: document.getElementById('now-body').textContent,
  outcomes: outcomes,
  tokens: document.querySelectorAll('#tokens tr.token:not(.future)').length,
  resources: performance.getEntriesByType('resource').map(e => e.name),
};
"""


def network_requests(driver, page_url):
    """URLs Chromium's network log saw requested, other than the page itself."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url != page_url and not url.startswith(page_url + "#"):
                urls.append(url)
    return urls


def check_page(driver, page, trace, screenshots):
    records = [json.loads(line) for line in open(trace, encoding="utf-8")]
    steps = [r for r in records if r["type"] in ("input", "note")]
    outcomes = [r["attack"] for r in records if r["type"] == "outcome"]
    with open(page, encoding="utf-8") as handle:
        html = handle.read()
    # The page's own markup, style and script (the trace's data may quote any text).
    start = html.index('<script type="application/json" id="trace-data">')
    code = html[:start] + html[html.index("</script>", start):]
    for needle in ("http:", "https:", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"):
        if needle in code:
            fail(page, f"the page contains {needle!r}: it must name no outside resource")
    if len(html.encode("utf-8")) >= 500_000:
        fail(page, f"{len(html.encode('utf-8'))} bytes: a lesson page stays under 500 KB")

    url = "file://" + os.path.abspath(page)
    driver.get(url)
    body = driver.find_element("tag name", "body")
    state = driver.execute_script(STATE)
    last = len(steps)
    if state["counter"] != f"step 0 of {last}":
        fail(page, f"the counter starts at {state['counter']!r}, expected 'step 0 of {last}'")
        return
    if state["outcomes"]:
        fail(page, f"outcome rows shown before anything happened: {state['outcomes']}")
    shown, arrows_seen = state["shown"], False
    for step in range(1, last + 1):
        ActionChains(driver).send_keys_to_element(body, Keys.ARROW_RIGHT).perform()
        state = driver.execute_script(STATE)
        if state["counter"] != f"step {step} of {last}":
            fail(page, f"after {step} presses the counter says {state['counter']!r}")
            return
        if state["shown"] <= shown:
            fail(page, f"step {step} added no row to the diagram ({state['shown']} shown)")
        shown = state["shown"]
        arrows_seen = arrows_seen or state["arrows"] > 0
        record = steps[step - 1]
        if record["text"] not in state["now"]:
            fail(page, f"step {step} does not show {record['text']!r}: {state['now'][:120]!r}")
        if screenshots and step in (1, last // 2, last):
            driver.save_screenshot(os.path.join(screenshots, f"{os.path.basename(page)}-{step}.png"))
    if not arrows_seen:
        fail(page, "no arrow appeared in the diagram")
    if state["outcomes"] != outcomes:
        fail(page, f"at the last step the outcome table shows {state['outcomes']}, the trace has {outcomes}")
    if outcomes and state["tokens"] == 0:
        fail(page, "no token bar at the last step")
    ActionChains(driver).send_keys_to_element(body, Keys.ARROW_RIGHT).perform()
    if driver.execute_script(STATE)["counter"] != f"step {last} of {last}":
        fail(page, "the right arrow went past the last step")
    ActionChains(driver).send_keys_to_element(body, Keys.ARROW_LEFT).perform()
    if driver.execute_script(STATE)["counter"] != f"step {last - 1} of {last}":
        fail(page, "the left arrow did not go back one step")
    driver.find_element("id", "first").click()
    if driver.execute_script(STATE)["counter"] != f"step 0 of {last}":
        fail(page, "the First button did not go to step 0")
    if state["resources"]:
        fail(page, f"the page loaded resources: {state['resources']}")
    requested = network_requests(driver, url)
    if requested:
        fail(page, f"network requests were made: {requested}")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    if errors:
        fail(page, f"console errors: {errors}")
    return last


PRINTED = """
const visible = el => el && getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
const svg = document.querySelector('#diagram svg');
const box = document.getElementById('diagram-box');
const widestElement = Array.from(document.querySelectorAll('body *'))
  .reduce((w, el) => el.getBoundingClientRect().right > w.right ? {right: el.getBoundingClientRect().right, el: el} : w, {right: 0, el: null});
const widest = widestElement.right;
const what = widestElement.el ? widestElement.el.tagName.toLowerCase() + (widestElement.el.id ? '#' + widestElement.el.id : '') + (widestElement.el.className && widestElement.el.className.baseVal === undefined ? '.' + widestElement.el.className : '') + ' ' + (widestElement.el.textContent || '').slice(0, 40) : '';
return {
  controls: visible(document.querySelector('nav.controls')),
  hiddenRows: Array.from(document.querySelectorAll('#diagram g.row'))
    .filter(r => getComputedStyle(r).visibility === 'hidden').length,
  hiddenTokens: Array.from(document.querySelectorAll('#tokens tr.token')).filter(r => !visible(r)).length,
  outcomes: Array.from(document.querySelectorAll('#outcomes tr.outcome')).filter(visible).length,
  steps: visible(document.getElementById('all-steps')) ? document.querySelectorAll('#all-steps > li').length : -1,
  clipped: box.scrollHeight > box.clientHeight + 2 || box.scrollWidth > box.clientWidth + 2,
  svgRight: svg ? svg.getBoundingClientRect().right : 0,
  pageWidth: document.documentElement.clientWidth,
  widest: widest,
  what: what,
  counter: document.getElementById('counter').textContent,
};
"""


def check_print(driver, page, last, outcomes):
    """Printed (a handout), the page shows every step at once: no controls,
    every diagram row, token and outcome, the list of every step, nothing
    clipped by the diagram's scrolling box and nothing wider than the paper.
    Afterwards the page is back at the step it was on."""
    driver.find_element("id", "last").click()
    driver.find_element("id", "prev").click() if last > 0 else None
    before = driver.execute_script(STATE)["counter"]
    # A4 portrait at 96 px per inch, less 1 cm margins: what a printer lays out.
    driver.set_window_size(720, 1000)
    try:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
        printed = driver.execute_script(PRINTED)
        if printed["controls"]:
            fail(page, "printed, the step buttons still show")
        if printed["hiddenRows"]:
            fail(page, f"printed, {printed['hiddenRows']} diagram rows are hidden")
        if printed["hiddenTokens"]:
            fail(page, f"printed, {printed['hiddenTokens']} token rows are hidden")
        if printed["outcomes"] != len(outcomes):
            fail(page, f"printed, {printed['outcomes']} outcome rows show; the trace has {len(outcomes)}")
        if printed["steps"] != last:
            fail(page, f"printed, the list of every step has {printed['steps']} items; the trace has {last}")
        if printed["clipped"]:
            fail(page, "printed, the diagram is clipped by its scrolling box")
        if printed["widest"] > printed["pageWidth"] + 1:
            fail(page, f"printed, content reaches {printed['widest']:.0f} px on a {printed['pageWidth']} px page (cut off on paper): {printed['what']}")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})
        import base64, re
        pages = len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(pdf["data"])))
        if pages < 1:
            fail(page, "printing to PDF gave no page")
        driver.execute_script("window.dispatchEvent(new Event('afterprint'))")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        after = driver.execute_script(STATE)["counter"]
        if after != before:
            fail(page, f"after printing the page shows {after!r}, not the step it was on ({before!r})")
        return pages
    finally:
        driver.set_window_size(1400, 1000)


def hostile_trace(tokenlab, directory):
    """A trace whose narration tries to end the script element."""
    script = os.path.join(directory, "hostile.tl")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write("# </script><script>document.title='owned'</script> & <!-- done\n"
                     "login alice\nsteal all from alice via xss\nreport\n")
    trace = os.path.join(directory, "hostile.jsonl")
    subprocess.run([tokenlab, "run", script, "--trace", trace, "--quiet"], check=True)
    return trace


def kept_refresh_trace(tokenlab, directory):
    """A refresh token kept across refreshes (no rotation) under an idle limit."""
    script = os.path.join(directory, "kept-refresh.tl")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write("# rt1 is kept across refreshes: each use moves its idle deadline an hour on.\n"
                     "set refresh.rotation off\nset refresh.idle 1h\nlogin alice\n"
                     "advance 30m\nrefresh alice\nadvance 45m\nrefresh alice\n")
    trace = os.path.join(directory, "kept-refresh.jsonl")
    subprocess.run([tokenlab, "run", script, "--trace", trace, "--quiet"], check=True)
    return trace


RT1_EXPIRY = """
const row = Array.from(document.querySelectorAll('#tokens tr.token:not(.future)'))
  .find(r => r.cells[0].textContent === 'rt1');
const title = row ? row.querySelector('.track').getAttribute('title') : '';
const match = /expires at (\\d+) ms/.exec(title);
return {title: title, expires: match ? Number(match[1]) : null,
        minted: JSON.parse(document.getElementById('trace-data').textContent).tokens.find(t => t.id === 'rt1').expires};
"""


def check_sliding_expiry(driver, page):
    """Steps: 1 narration, 2-3 set, 4 login, 5 advance, 6 refresh, 7 advance,
    8 refresh. Until the first refresh rt1's bar ends where it was minted to
    end; each refresh moves it later; going back shows the earlier deadline."""
    before = len(failures)
    driver.get("file://" + os.path.abspath(page))
    body = driver.find_element("tag name", "body")
    seen = {}
    for step in range(1, 9):
        ActionChains(driver).send_keys_to_element(body, Keys.ARROW_RIGHT).perform()
        seen[step] = driver.execute_script(RT1_EXPIRY)
    minted = seen[8]["minted"]
    if seen[5]["expires"] != minted:
        fail(page, f"before any refresh rt1's tooltip should say it expires at {minted} ms: {seen[5]['title']!r}")
    if not (seen[6]["expires"] or 0) > minted:
        fail(page, f"after the first refresh rt1's deadline should have moved past {minted} ms: {seen[6]['title']!r}")
    elif f"issued to expire at {minted} ms" not in seen[6]["title"]:
        fail(page, f"the tooltip should say what rt1 was issued with: {seen[6]['title']!r}")
    if not (seen[8]["expires"] or 0) > (seen[6]["expires"] or 0) or seen[7]["expires"] != seen[6]["expires"]:
        fail(page, f"the second refresh should move rt1's deadline again: {[seen[s]['expires'] for s in (6, 7, 8)]}")
    for _ in range(3):
        ActionChains(driver).send_keys_to_element(body, Keys.ARROW_LEFT).perform()
    back = driver.execute_script(RT1_EXPIRY)
    if back["expires"] != minted:
        fail(page, f"back at step 5 rt1's tooltip should say {minted} ms again: {back['title']!r}")
    if len(failures) == before:
        print(f"ok kept-refresh.html: rt1's deadline {minted} ms, then {seen[6]['expires']} ms, then {seen[8]['expires']} ms")


def canary(driver, page, trace):
    """The check must be able to fail: a copy of a good page that loads one
    image from the network has to be caught."""
    with open(page, encoding="utf-8") as handle:
        html = handle.read()
    tampered = page[:-len(".html")] + "-canary.html"
    with open(tampered, "w", encoding="utf-8") as handle:
        handle.write(html.replace("</body>", '<img src="http://127.0.0.1:9/canary.png" alt=""></body>'))
    global expecting_failures
    before = len(failures)
    expecting_failures = True
    try:
        check_page(driver, tampered, trace, None)
    finally:
        expecting_failures = False
    caught = [f for f in failures[before:] if "network" in f or "resources" in f or "'src='" in f]
    del failures[before:]
    if not caught:
        fail(tampered, "a page that fetches an image passed the check: the check cannot fail")
    else:
        print(f"ok the check catches a page that fetches from the network ({len(caught)} findings)")


def main():
    arguments = sys.argv[1:]
    screenshots = None
    if "--screenshots" in arguments:
        index = arguments.index("--screenshots")
        screenshots = arguments[index + 1]
        del arguments[index:index + 2]
        os.makedirs(screenshots, exist_ok=True)
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    tokenlab = arguments[0]
    traces_dir = arguments[1] if len(arguments) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "Traces")
    work = tempfile.mkdtemp(prefix="tokenlab-html-")
    traces = sorted(glob.glob(os.path.join(traces_dir, "*.jsonl"))) + [hostile_trace(tokenlab, work), kept_refresh_trace(tokenlab, work)]
    driver = browser()
    checked = 0
    try:
        for trace in traces:
            page = os.path.join(work, os.path.basename(trace)[:-len(".jsonl")] + ".html")
            subprocess.run([tokenlab, "show", trace, "--as", "html", "--output", page], check=True)
            steps = check_page(driver, page, trace, screenshots)
            if steps is not None:
                pages = check_print(driver, page, steps, [json.loads(l)["attack"] for l in open(trace, encoding="utf-8") if '"type":"outcome"' in l])
                if screenshots:
                    driver.save_screenshot(os.path.join(screenshots, f"{os.path.basename(page)}-print.png"))
            if trace.endswith("hostile.jsonl") and driver.title == "owned":
                fail(page, "narration ran as script")
            checked += 1
            print(f"ok {os.path.basename(page)}: {steps} steps, printed on {pages} pages")
            if trace.endswith("stolen-refresh.jsonl"):
                canary(driver, page, trace)
            if trace.endswith("kept-refresh.jsonl"):
                check_sliding_expiry(driver, page)
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{checked} pages checked in Chromium, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
