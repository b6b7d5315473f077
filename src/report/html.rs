//! The HTML page: escaping, headings, tables, figures, and the one inline style
//! sheet. Every piece of text from a result file goes through [`escape`].

use std::fmt::Write as _;

/// Escapes text for HTML and SVG content and attribute values.
pub(super) use crate::export::escape_markup as escape;

/// A table cell: its text and whether it holds a number (right-aligned).
pub(super) struct Cell {
    text: String,
    numeric: bool,
    strong: bool,
}

impl Cell {
    /// A text cell.
    pub(super) fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), numeric: false, strong: false }
    }

    /// A number cell.
    pub(super) fn number(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), numeric: true, strong: false }
    }

    /// The same cell in bold.
    pub(super) fn strong(self) -> Cell {
        Cell { strong: true, ..self }
    }
}

/// A page being built, section by section.
pub(super) struct Page {
    body: String,
    figures: usize,
}

const STYLE: &str = "
body{font-family:sans-serif;color:#111;background:#fff;margin:0;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.7em;margin:.2em 0}
h2{font-size:1.35em;border-bottom:2px solid #333;padding-bottom:.15em;margin-top:1.8em}
h3{font-size:1.1em;margin-top:1.4em}
.lead{color:#333;margin:.2em 0 1em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;font-size:.85em;color:#333}
dl.meta dt{font-weight:bold}
dl.meta dd{margin:0;overflow-wrap:anywhere;font-family:monospace}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:10px}
.card{border:1px solid #999;border-radius:4px;padding:8px 10px}
.card .name{font-size:.85em;color:#333}
.card .value{font-size:1.35em;font-weight:bold}
.card .ci{font-size:.8em;color:#444}
div.table{overflow-x:auto}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td:first-child{min-width:12em}
th,td{border-bottom:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
th{border-bottom:2px solid #333}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-size:.9em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
figure{margin:.8em 0;break-inside:avoid}
figcaption{font-weight:bold;margin-bottom:4px}
figure svg{width:100%;height:auto;max-width:720px;display:block}
.note{font-size:.85em;color:#333}
details{margin:.6em 0}
summary{cursor:pointer;font-weight:bold}
footer{margin-top:2.5em;border-top:1px solid #999;font-size:.85em;color:#333}
@page{size:A4;margin:14mm 12mm}
@media print{
main{max-width:none;padding:0}
.charts{display:block}
h2:not(:first-of-type){break-before:page}
h2,h3,figcaption,summary{break-after:avoid}
tr,figure,.card{break-inside:avoid}
div.table{overflow:visible}
table{width:100%;font-size:7.5pt}
td:first-child{min-width:0}
th,td{padding:2px 4px;overflow-wrap:anywhere;hyphens:auto}
td.num,th.num{white-space:normal}
dl.meta{font-size:7.5pt}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none}
}
";

/// The page's one script: when printed, every collapsed block opens, since a
/// closed `<details>` prints its summary alone. The content security policy
/// allows this script by its hash ([`SCRIPT_HASH`]) and no other.
pub(super) const SCRIPT: &str = r#"addEventListener("beforeprint",function(){document.querySelectorAll("details").forEach(function(d){d.open=true})});"#;

/// The base64 SHA-256 of [`SCRIPT`], for the content security policy;
/// `scripts/report/print.sh` checks in a browser that the policy lets it run.
const SCRIPT_HASH: &str = "sha256-GpTnJ7XwVcMMKWdObwMqkWrQ+v6uUITCf5S1AORc+yA=";

impl Page {
    /// An empty page.
    pub(super) fn new() -> Page {
        Page { body: String::new(), figures: 0 }
    }

    /// A heading of `level` (1–4) with an anchor `id`.
    pub(super) fn heading(&mut self, level: u8, text: &str) {
        let id: String = text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        let _ = writeln!(self.body, "<h{level} id=\"{}\">{}</h{level}>", escape(&id), escape(text));
    }

    /// A paragraph of plain text; `class` styles it ("" for none).
    pub(super) fn paragraph(&mut self, class: &str, text: &str) {
        match class {
            "" => {
                let _ = writeln!(self.body, "<p>{}</p>", escape(text));
            }
            c => {
                let _ = writeln!(self.body, "<p class=\"{c}\">{}</p>", escape(text));
            }
        }
    }

    /// Markup made by this module's callers from escaped pieces.
    pub(super) fn raw(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// Key–value lines (a manifest).
    pub(super) fn definitions(&mut self, lines: &[(String, String)]) {
        if lines.is_empty() {
            return;
        }
        self.body.push_str("<dl class=\"meta\">\n");
        for (k, v) in lines {
            let _ = writeln!(self.body, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        self.body.push_str("</dl>\n");
    }

    /// A table with a header row.
    pub(super) fn table(&mut self, header: &[Cell], rows: &[Vec<Cell>]) {
        self.body.push_str("<div class=\"table\"><table>\n<thead><tr>");
        for h in header {
            let class = if h.numeric { " class=\"num\"" } else { "" };
            let _ = write!(self.body, "<th{class}>{}</th>", escape(&h.text));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.body.push_str("<tr>");
            for c in row {
                let class = if c.numeric { " class=\"num\"" } else { "" };
                let text = if c.strong { format!("<strong>{}</strong>", escape(&c.text)) } else { escape(&c.text) };
                let _ = write!(self.body, "<td{class}>{text}</td>");
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table></div>\n");
    }

    /// The manifest (how the results were made), collapsed: it is for checking,
    /// not for reading first.
    pub(super) fn manifest(&mut self, lines: &[(String, String)]) {
        if lines.is_empty() {
            return;
        }
        self.details_start("How these results were made (manifest)");
        self.definitions(lines);
        self.details_end();
    }

    /// Starts a collapsible block: closed on screen, open when printed.
    pub(super) fn details_start(&mut self, summary: &str) {
        let _ = writeln!(self.body, "<details><summary>{}</summary>", escape(summary));
    }

    /// Ends a collapsible block.
    pub(super) fn details_end(&mut self) {
        self.body.push_str("</details>\n");
    }

    /// Starts a grid of charts.
    pub(super) fn charts_start(&mut self) {
        self.body.push_str("<div class=\"charts\">\n");
    }

    /// Ends a grid of charts.
    pub(super) fn charts_end(&mut self) {
        self.body.push_str("</div>\n");
    }

    /// A fresh id for the next chart's SVG definitions (ids are page-wide).
    pub(super) fn next_id(&mut self) -> String {
        self.figures += 1;
        format!("f{}", self.figures)
    }

    /// A chart with its title; `svg` None (no data to draw) prints `note` alone.
    pub(super) fn figure(&mut self, title: &str, svg: Option<String>, note: &str) {
        let _ = writeln!(self.body, "<figure>\n<figcaption>{}</figcaption>", escape(title));
        match svg {
            Some(svg) => self.body.push_str(&svg),
            None => self.body.push_str("<p class=\"note\">No values to draw.</p>\n"),
        }
        if !note.is_empty() {
            let _ = writeln!(self.body, "<p class=\"note\">{}</p>", escape(note));
        }
        self.body.push_str("</figure>\n");
    }

    /// The whole document, with the footer of pages of replications' means.
    pub(super) fn finish(self, title: &str) -> String {
        self.finish_with(title, MEANS_FOOTER)
    }

    /// The whole document, its footer saying `about` (how to read the page's
    /// numbers) after what made it.
    pub(super) fn finish_with(self, title: &str, about: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 4096);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        // Nothing may be fetched: the page is complete in itself.
        let _ = writeln!(
            out,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '{SCRIPT_HASH}'\">",
        );
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<meta name=\"generator\" content=\"reformsim {}\">", env!("CARGO_PKG_VERSION"));
        let _ = writeln!(out, "<title>{}</title>", escape(title));
        let _ = writeln!(out, "<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n<main>");
        out.push_str(&self.body);
        let _ = writeln!(
            out,
            "<footer><p>Made by reformsim {} from the result files alone. {}</p></footer>",
            env!("CARGO_PKG_VERSION"),
            escape(about)
        );
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// How to read a page of means over replications (runs, comparisons, sweeps,
/// optimisations).
const MEANS_FOOTER: &str = "Means are over independent replications; \
    ± is the half-width of the 95% Student-t confidence interval (Law 2015, §4.5); a dash is an undefined value \
    (a mean over no cases, or no spread from one replication). Shares are shown as percentages. In the charts, \
    intervals are cut to the values the quantity can take: a share between 0 and 100%, a cost, time or count \
    at zero (so a paired decrease never passes −100%).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">O'Neil & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;"
        );
        let mut page = Page::new();
        page.heading(2, "Costs <script>");
        page.table(&[Cell::text("a&b")], &[vec![Cell::number("<1>").strong()]]);
        let html = page.finish("t<");
        assert!(!html.contains("<script>Costs") && html.contains("Costs &lt;script&gt;"));
        assert_eq!(html.matches("<script>").count(), 1, "the one script, in the head");
        assert!(html.contains("<th>a&amp;b</th>") && html.contains("<strong>&lt;1&gt;</strong>"));
        assert!(html.contains("<title>t&lt;</title>"));
    }
}
