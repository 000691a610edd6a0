"""The briefing as a press officer prints it: the web page printed by Chromium and the Word file
converted by LibreOffice are A4, one page per issue, with the pages kept as test artefacts."""

import re
import shutil
import subprocess

import pytest

from dashboard import briefing
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

AREA = "E14001410"
A4_POINTS = (595, 842)  # 210 x 297 mm


@pytest.fixture(scope="module")
def brief(snapshot, observations):
    return briefing.build(AREA, observations, snapshot.manifest["datasets"])


def pdf_pages(raw: bytes) -> list[tuple[int, int]]:
    """Each page's size in points, read from the PDF's page objects."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page\b(?!s)", raw):
        window = raw[max(0, match.start() - 400) : match.end() + 400]
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", window)
        sizes.append((round(float(box.group(1))), round(float(box.group(2)))) if box else None)
    return sizes


def test_web_briefing_prints_on_a4_one_page_per_issue(browser, brief):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"briefing-{AREA}.html"
    path.write_text(briefing.to_html(brief), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(path.as_uri())
    page.screenshot(path=str(ARTIFACTS / "briefing-web-1366.png"), full_page=True)
    alts = page.locator("img").evaluate_all("images => images.map(i => i.alt)")
    assert alts and all(re.search(r"it (rose|fell|was about the same)", alt) for alt in alts)
    raw = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "briefing-web.pdf").write_bytes(raw)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=str(ARTIFACTS / "briefing-web-375.png"), full_page=True)
    page.close()
    sizes = pdf_pages(raw)
    assert len(sizes) == len(brief.sections), sizes
    assert all(size == A4_POINTS for size in sizes), sizes


def test_word_briefing_is_a4_one_page_per_issue(tmp_path, brief):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
    docx = tmp_path / f"briefing-{AREA}.docx"
    docx.write_bytes(briefing.to_docx(brief))
    converted = subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / f"briefing-{AREA}.pdf"
    assert pdf.is_file(), converted.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "briefing-word.pdf")
    if shutil.which("pdftoppm"):  # the pages as pictures, to look at
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / "briefing-word-page")],
            check=False,
            timeout=120,
        )
    sizes = pdf_pages(pdf.read_bytes())
    assert len(sizes) == len(brief.sections), sizes
    assert all(size == A4_POINTS for size in sizes), sizes
