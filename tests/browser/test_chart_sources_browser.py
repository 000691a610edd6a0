"""What a person sees of each chart's source line at 1366x900: on every page and tab, every
drawn chart shows its source line inside the figure, under everything else in it (tick
labels, axis titles, legends under the plot), overlapping none of its text and running off
neither side."""

from urllib.parse import quote_plus

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.topics import registry
from tests.browser.conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser

# For each chart on the page: the source line's text boxes, and every other text box in the
# figure, in pixels from the figure's top left corner.
MEASURE = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const box = gd.getBoundingClientRect();
  const texts = [...gd.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {source: !!t.closest('g.legend2'), text: t.textContent.slice(0, 50),
            top: r.top - box.top, bottom: r.bottom - box.top,
            left: r.left - box.left, right: r.right - box.left};
  });
  return {width: box.width, height: box.height, texts: texts,
          title: (gd._fullLayout.title.text || '').replace(/<[^>]+>/g, '').slice(0, 50)};
})
"""

PAGE_TABS = [(spec, tab) for spec in registry.PAGES for tab in spec.tabs or (None,)]


def render(url_path: str) -> None:
    from dashboard.topics import registry
    from dashboard.ui.state import Selection

    registry.page(url_path).render(Selection("east", "pcon2024"))


def charts_drawn(spec, tab) -> int:
    """How many charts the page draws on this tab, by running it under AppTest: the browser
    waits for that many, so a page still loading cannot pass for one without charts."""
    at = AppTest.from_function(render, kwargs={"url_path": spec.url_path}, default_timeout=120)
    if tab:
        at.query_params[spec.tab_key] = tab
    at.run()
    return len(at.get("plotly_chart"))


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
        and (a["left"] < b["right"] and b["left"] < a["right"])
    )


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "spec, tab", PAGE_TABS, ids=[f"{spec.url_path}-{tab or 'page'}" for spec, tab in PAGE_TABS]
)
def test_every_chart_shows_its_source_line_clear_of_everything_else(desktop, app_url, spec, tab):
    check_source_lines(desktop, app_url, spec, tab, "1366")


# The longest source lines (four datasets; three publishers) on a phone's full-width chart.
PHONE_TABS = [("universal-credit", "Trend"), ("schools", "Map"), ("homelessness", "Compare")]


@pytest.mark.parametrize("url_path, tab", PHONE_TABS, ids=[f"{p}-{t}" for p, t in PHONE_TABS])
def test_the_longest_source_lines_fit_a_phone(phone, app_url, url_path, tab):
    check_source_lines(phone, app_url, registry.page(url_path), tab, "375")


def check_source_lines(page, app_url, spec, tab, width: str) -> None:
    expected = charts_drawn(spec, tab)
    query = f"?{spec.tab_key}={quote_plus(tab)}" if tab else ""
    page.goto(f"{app_url}/{spec.url_path}{query}")
    wait_for_app(page, timeout_ms=180000)
    page.wait_for_function(
        "n => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout)"
        ".length >= n",
        arg=expected,
        timeout=180000,
    )
    page.wait_for_timeout(1000)
    charts = page.evaluate(MEASURE)
    assert len(charts) == expected, (len(charts), expected)
    for number, chart in enumerate(charts):
        name = f"{spec.url_path}-{tab or 'page'}-{number}: {chart['title']}"
        source = [t for t in chart["texts"] if t["source"]]
        others = [t for t in chart["texts"] if not t["source"]]
        assert source and source[0]["text"].startswith("Source"), name
        lowest_other = max(t["bottom"] for t in others)
        for line in source:
            assert line["left"] >= 0 and line["right"] <= chart["width"], (name, line)
            assert line["top"] >= lowest_other - 1, (name, line, lowest_other)
            assert line["bottom"] <= chart["height"] + 1, (name, line)
            hits = [t["text"] for t in others if _overlap(line, t)]
            assert not hits, (name, line["text"], hits)
    if charts:
        ARTIFACTS.mkdir(exist_ok=True)
        last = page.locator(".js-plotly-plot").last
        last.scroll_into_view_if_needed()
        name = f"chart-source-{spec.url_path}-{tab or 'page'}-{width}.png"
        last.screenshot(path=str(ARTIFACTS / name))
