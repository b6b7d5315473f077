#!/usr/bin/env python3
"""Prints a reformsim HTML report to PDF in a running headless Chromium (over the
DevTools Protocol, with the dashboard test's standard-library client) and checks
the printout:

- every section heading (h2) of the page is in the PDF's text (pdftotext);
- printing opened every collapsed block (<details>): its summary and the first
  cell of its table are in the PDF's text;
- the page's one script ran (no content-security-policy refusal);
- under print media, at the printable width of an A4 page (210 mm less the
  page's 12 mm side margins), no table is wider than the page and no table's
  box scrolls (a printed scrollbar, a clipped table).

    print.py --devtools-port PORT --page results/demo/report.html --pdf out.pdf

Exit status 0 if every check passes, 1 otherwise (the reasons are printed).
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboard"))
from drive import Failure, Page  # noqa: E402  (the dashboard test's DevTools client)

# The printable width in CSS pixels (96 per inch): A4's 210 mm less the 12 mm
# side margins of the page's @page rule.
PRINTABLE_MM = 210 - 2 * 12
PRINTABLE_PX = PRINTABLE_MM / 25.4 * 96
# Sub-pixel rounding of table widths.
SLACK_PX = 1.0

OUTLINE = """JSON.stringify({
  h2: Array.from(document.querySelectorAll('h2')).map(h => h.textContent),
  details: Array.from(document.querySelectorAll('details')).map(d => ({
    summary: d.querySelector('summary').textContent,
    cell: (d.querySelector('td') || d.querySelector('dd') || {textContent: ''}).textContent,
    open: d.open,
  })),
  tables: document.querySelectorAll('table').length,
})"""

WIDTHS = """JSON.stringify({
  page: document.documentElement.scrollWidth,
  tables: Array.from(document.querySelectorAll('table')).map((t, i) => {
    const box = t.parentElement;
    let heading = '';
    for (const e of document.querySelectorAll('h2, h3, h4, summary')) {
      if (e.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) heading = e.textContent;
    }
    return {
      index: i, heading,
      right: t.getBoundingClientRect().right,
      width: t.scrollWidth,
      boxScroll: box.scrollWidth, boxClient: box.clientWidth,
    };
  }),
})"""


def squeeze(text):
    """Text compared without whitespace, ligatures or soft hyphens: the PDF's
    line breaks and the HTML's spaces do not matter."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return re.sub(r"\s+", "", text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devtools-port", required=True)
    parser.add_argument("--page", required=True)
    parser.add_argument("--pdf", required=True)
    args = parser.parse_args()
    problems = []
    try:
        page = Page(args.devtools_port)
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", url="file://" + os.path.abspath(args.page))
        page.wait_for("document.readyState === 'complete' && document.querySelector('footer') !== null", "the report")
        outline = json.loads(page.evaluate(OUTLINE))
        if not outline["h2"]:
            raise Failure("the page has no section heading (h2)")
        if any(d["open"] for d in outline["details"]):
            problems.append("a <details> block is open on screen; the page should start collapsed")

        started = time.time()
        result = page.call(
            "Page.printToPDF", printBackground=True, preferCSSPageSize=True, generateDocumentOutline=False
        )
        seconds = time.time() - started
        with open(args.pdf, "wb") as f:
            f.write(base64.b64decode(result["data"]))
        opened = page.evaluate("Array.from(document.querySelectorAll('details')).every(d => d.open)")
        if not opened:
            problems.append("printing left a <details> block closed: the beforeprint script did not run")
        problems.extend(p for p in page.problems if "Content Security Policy" in p or "script" in p.lower())

        text = subprocess.run(["pdftotext", args.pdf, "-"], check=True, capture_output=True, text=True).stdout
        pages = text.count("\f")
        flat = squeeze(text)
        for h in outline["h2"]:
            if squeeze(h) not in flat:
                problems.append(f"section heading {h!r} is not in the PDF's text")
        for d in outline["details"]:
            for what in ("summary", "cell"):
                if d[what].strip() and squeeze(d[what]) not in flat:
                    problems.append(f"collapsed block {d['summary']!r}: its {what} {d[what]!r} is not in the PDF's text")

        page.call("Emulation.setEmulatedMedia", media="print")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=int(PRINTABLE_PX),
            height=1100,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; }), true")
        widths = json.loads(page.evaluate(WIDTHS))
        limit = int(PRINTABLE_PX) + SLACK_PX
        widest = max((t["right"] for t in widths["tables"]), default=0.0)
        for t in widths["tables"]:
            if t["right"] > limit or t["width"] > limit:
                problems.append(
                    f"table {t['index']} (under {t['heading']!r}) is {t['width']} px wide, ends at "
                    f"{t['right']:.0f} px: wider than the printable {limit:.0f} px"
                )
            if t["boxScroll"] > t["boxClient"] + SLACK_PX:
                problems.append(f"table {t['index']} (under {t['heading']!r}) scrolls in its box: it would print clipped")
        if widths["page"] > limit:
            problems.append(f"the page is {widths['page']} px wide under print media, wider than {limit:.0f} px")
    except Failure as e:
        problems.append(str(e))
    if problems:
        for p in problems:
            print(f"report print: FAILED: {p}")
        return 1
    print(
        f"report print: {pages} pages in {seconds:.1f} s; {len(outline['h2'])} section headings and "
        f"{len(outline['details'])} collapsed blocks found in the PDF's text; {outline['tables']} tables, "
        f"the widest ending at {widest:.0f} of {PRINTABLE_PX:.0f} px"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
