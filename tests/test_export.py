"""The report's HTML and PDF as a reader gets them: title, alt text, no script, phone
layout, A4 pages with a footer and page numbers (batch.export_html and batch.print_pdf).

Built from a small notebook made here, so these tests do not execute the board notebook
(test_batch.py checks the real report)."""

import importlib.util
import re

import nbformat
import pytest

from scaling_models import batch, charts

TITLE = 'Quarterly scaling report 2024-Q2, "Acme" </style><script>'
FOOTER = "Acme </style> · Quarterly scaling report 2024-Q2 · generated 2026-11-30"

needs_browser = pytest.mark.skipif(
    batch.find_chromium() is None or importlib.util.find_spec("playwright") is None,
    reason="needs Chromium and Playwright")


def figure_output():
    fig, (ax,) = charts.board_figure(3.0)
    ax.plot([0, 1], [0, 1])
    data, metadata = charts.DescribedFigure(fig, "A rising line, from 0 to 1.")\
        ._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """An executed-looking notebook: prose long enough for several A4 pages, a figure with
    a description, a 20-column table, a script in an HTML output, and a bare PNG."""
    wide = "<table><tr>" + "".join(f"<th>column {i}</th>" for i in range(20)) + "</tr><tr>" \
        + "".join(f"<td>{i * 1000:,} EUR</td>" for i in range(20)) + "</tr></table>"
    script = "<p id='probe'>static text</p><script>document.getElementById('probe')" \
             ".textContent = 'SCRIPT RAN';</script>"
    bare = figure_output()
    bare.metadata = {}
    bare.data = {"image/png": bare.data["image/png"], "text/plain": "<Figure size 672x288>"}
    cells = [nbformat.v4.new_markdown_cell("# Report\n\n" + "Some prose. " * 40)]
    for section in range(1, 7):
        cells.append(nbformat.v4.new_markdown_cell(
            f"## Section {section}\n\n" + "More prose to fill the page. " * 60))
        code = nbformat.v4.new_code_cell("x")
        code.outputs = [figure_output()]
        cells.append(code)
    code = nbformat.v4.new_code_cell("y")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": wide}),
                    nbformat.v4.new_output("display_data", data={"text/html": script}),
                    bare]
    cells.append(code)
    nb = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path_factory.mktemp("nb") / "report.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def html(notebook):
    return batch.export_html(notebook, notebook.with_name("report.html"), title=TITLE,
                             footer=FOOTER)


def test_html_title_alt_text_and_no_script(html):
    text = html.read_text()
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "Quarterly scaling report 2024-Q2" in title and "<script>" not in title
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', text)
    assert alts.count("A rising line, from 0 to 1.") == 6
    assert alts[-1] == "Figure"  # a figure shown without a description still has alt text
    assert "No description has been provided" not in text
    # no script may run when the page is opened or printed
    assert "script-src 'none'" in text
    assert "<script src" not in text


def test_html_footer_cannot_escape_the_style_sheet(html):
    text = html.read_text()
    style = re.search(r"@bottom-left \{ content: (\"[^\"]*\")", text).group(1)
    assert "<" not in style and "\\3c " in style  # "<" written as a CSS escape
    assert re.search(r"@bottom-right \{ content: counter\(page\) \" / \" counter\(pages\)",
                     text)


def test_html_print_rules(html):
    text = html.read_text()
    assert "size: A4" in text
    assert re.search(r"table, tr, img, \.board-figure \{ break-inside: avoid; \}", text)
    assert re.search(r"\.jp-RenderedHTMLCommon table \{ font-size: 9pt; \}", text)
    assert "break-before: page" not in text and "page-break-before" not in text


def pdf_text(path):
    from pypdf import PdfReader

    reader = PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


@needs_browser
@pytest.mark.slow
def test_pdf_has_title_footer_and_page_numbers(html, tmp_path):
    pdf = batch.print_pdf(html, tmp_path / "report.pdf")
    reader, pages = pdf_text(pdf)
    n = len(pages)
    assert n >= 2
    assert "Quarterly scaling report 2024-Q2" in reader.metadata.title
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"(?<!\d){number} / {n}(?!\d)", page), page[:200]
        assert "Acme </style> · Quarterly scaling report 2024-Q2 · generated 2026-11-30" \
            in " ".join(page.split())
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 [mm]
    assert "static text" in " ".join(pages) and "SCRIPT RAN" not in " ".join(pages)


@needs_browser
@pytest.mark.slow
def test_pdf_printing_disables_javascript(tmp_path):
    # an HTML without the report's Content Security Policy: only the printer's settings
    # can keep its script from running
    page = tmp_path / "plain.html"
    page.write_text("<html><head><title>t</title></head><body><p id='p'>static text</p>"
                    "<script>document.getElementById('p').textContent = 'SCRIPT RAN';"
                    "</script></body></html>")
    _, pages = pdf_text(batch.print_pdf(page, tmp_path / "plain.pdf"))
    assert "static text" in pages[0] and "SCRIPT RAN" not in pages[0]


def test_print_pdf_without_chromium_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "find_chromium", lambda: None)
    with pytest.raises(RuntimeError, match="apt-get install chromium"):
        batch.print_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    assert "\n" not in batch.NO_CHROMIUM


@needs_browser
@pytest.mark.slow
def test_html_reads_on_a_phone(html, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=batch.find_chromium(),
                                         args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(html.resolve().as_uri())
            page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
            # the page itself never scrolls sideways: wide tables scroll in their box
            page_width = page.evaluate("document.documentElement.scrollWidth")
            images = page.evaluate(
                "[...document.images].map(i => i.getBoundingClientRect().right)")
            table = page.evaluate(
                "(() => { const t = document.querySelector('table');"
                " const box = t.closest('.jp-OutputArea-output');"
                " return [t.scrollWidth, box.clientWidth, getComputedStyle(box).overflowX]; })()")
        finally:
            browser.close()
    assert page_width <= 390
    assert images and max(images) <= 390
    assert table[0] > table[1] and table[2] == "auto"
    assert (tmp_path / "phone.png").stat().st_size > 0
