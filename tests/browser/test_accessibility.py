"""axe-core on every page and every tab, against a minimal Streamlit app scanned in the same run.

axe comes from the npm registry at test time (pinned below), never from the repository. A
finding that the minimal app shows as well (same rule, same Streamlit element) is Streamlit's
own: it is written to test-artifacts/axe-framework.json and listed in the README, not counted
against the project. Every other serious or critical finding fails the test.
"""

import json
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from dashboard.topics import registry
from tests.browser import conftest
from tests.browser.conftest import ARTIFACTS, open_app_page

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
# WCAG 2.0/2.1 A and AA, plus axe's best practices so that heading order is checked too.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
# Headings that skip a level (an h3 straight after the h1) mislead screen-reader users who
# move by heading; axe rates it moderate, this project fails on it.
FAILING_RULES = {"heading-order"}
DESKTOP_WIDTH = 1366

# A minimal app with each kind of element the dashboard uses (navigation, sidebar controls,
# headings, tabs, a metric, a plotly chart, a table, a download): what axe finds here is
# Streamlit's, whatever the project does.
MINIMAL_APP = textwrap.dedent(
    """
    import pandas as pd
    import plotly.express as px
    import streamlit as st

    def first():
        st.title("Minimal app")
        st.header("A section")
        tab_a, tab_b = st.tabs(["One", "Two"])
        with tab_a:
            st.metric("Attendances", "1,234", "+5")
            frame = pd.DataFrame({"month": [1, 2, 3], "value": [3, 1, 2]})
            st.plotly_chart(px.line(frame, x="month", y="value"), key="chart")
            st.dataframe(frame, hide_index=True)
            st.select_slider("Month", options=["Jan", "Feb", "Mar"], key="month")
            st.download_button("Download", data="a,b\\n", file_name="a.csv", on_click="ignore")
        st.caption("A caption.")

    def second():
        st.title("Second")

    st.set_page_config(page_title="Minimal", layout="wide")
    st.sidebar.title("Sidebar")
    st.sidebar.radio("Choice", ["A", "B"], key="choice")
    st.sidebar.selectbox("Pick", ["X", "Y"], key="pick")
    st.navigation([st.Page(first, title="First"), st.Page(second, title="Second")]).run()
    """
)


@pytest.fixture(scope="session")
def axe_source(tmp_path_factory) -> str:
    """axe.min.js from the npm registry, pinned; skip only when npm itself is missing."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the accessibility test fetches axe-core with it")
    folder = tmp_path_factory.mktemp("axe")
    packed = subprocess.run(
        [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )
    assert packed.returncode == 0, f"npm pack axe-core@{AXE_VERSION} failed: {packed.stderr}"
    tarball = folder / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        return archive.extractfile("package/axe.min.js").read().decode("utf-8")


@pytest.fixture(scope="session")
def minimal_app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("minimal_app")
    (folder / "app.py").write_text(MINIMAL_APP)
    # The project's theme, so colours match what the dashboard shows.
    shutil.copytree(conftest.settings.REPO_ROOT / ".streamlit", folder / ".streamlit")
    port = conftest._free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


def views() -> list[tuple[str, str]]:
    """(name, path and query) of every page and every tab of it."""
    found = []
    for spec in registry.PAGES:
        key, tabs = spec.tab_key, spec.tabs
        if not tabs:
            found.append((spec.url_path, spec.url_path))
        for label in tabs:
            found.append(
                (f"{spec.url_path} / {label}", f"{spec.url_path}?{key}={quote_plus(label)}")
            )
    return found


def tall_window(page) -> None:
    """Make the window as tall as the page, so that axe sees every element unclipped."""
    height = page.evaluate(
        "() => Math.max(...[document.querySelector(\"[data-testid='stMain']\"),"
        " document.querySelector(\"[data-testid='stMainBlockContainer']\"),"
        " document.documentElement].filter(Boolean).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": min(int(height) + 200, 16000)})
    page.wait_for_timeout(800)


def scan(page, axe_source: str) -> list[dict]:
    """axe's violations, one entry per node: rule, impact, the node's Streamlit element."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            found.append(
                {
                    "rule": violation["id"],
                    "impact": node.get("impact") or violation["impact"],
                    "target": " ".join(map(str, node["target"])),
                    "html": node["html"][:300],
                    "summary": (node.get("failureSummary") or "")[:300],
                    "element": _element_kind(page, node["target"]),
                }
            )
    return found


def _element_kind(page, target) -> str:
    """The nearest Streamlit element around a node (its data-testid), so a finding on the
    minimal app matches the same element on the dashboard whatever the CSS paths."""
    selector = target[-1] if target else ""
    if not isinstance(selector, str):
        return ""
    return page.evaluate(
        """(selector) => {
            let element = document.querySelector(selector);
            const kinds = [];
            while (element && kinds.length < 2) {
                const id = element.getAttribute && element.getAttribute('data-testid');
                if (id) kinds.push(id);
                element = element.parentElement;
            }
            return kinds.join(' < ');
        }""",
        selector,
    )


def failing(finding: dict) -> bool:
    return finding["impact"] in FAILING_IMPACTS or finding["rule"] in FAILING_RULES


def _key(finding: dict) -> tuple[str, str]:
    return finding["rule"], finding["element"]


def test_no_serious_violation_on_any_page_or_tab(page, app_url, minimal_app_url, axe_source):
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
    page.goto(minimal_app_url)  # its first page, at the bare address
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=60000
    )
    tall_window(page)
    framework = scan(page, axe_source)
    framework_keys = {_key(finding) for finding in framework}

    report = {"axe": AXE_VERSION, "framework": framework, "views": {}}
    failures = []
    for name, path in views():
        page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
        open_app_page(page, f"{app_url}/{path}", charts=0)
        tall_window(page)
        found = scan(page, axe_source)
        report["views"][name] = found
        failures += [
            f"{name}: {f['rule']} ({f['impact']}) on {f['element'] or f['target']}: {f['html']}"
            for f in found
            if failing(f) and _key(f) not in framework_keys
        ]

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=1))
    (ARTIFACTS / "axe-framework.json").write_text(json.dumps(framework, indent=1))
    counts = {name: sum(map(failing, found)) for name, found in report["views"].items()}
    print("serious or critical nodes per view:", json.dumps(counts, indent=1))
    print("Streamlit's own (minimal app):", sorted({_key(f) for f in framework}))
    assert not failures, f"{len(failures)} serious or critical findings:\n" + "\n".join(
        failures[:60]
    )


def test_views_cover_every_page():
    """The scan's list follows the registry: a new page or tab is scanned without editing this."""
    names = [name for name, _ in views()]
    assert len(names) >= len(registry.PAGES)
    assert len(set(names)) == len(names)
    assert all(path for _, path in views())


def test_axe_is_not_committed():
    """axe comes from npm at test time: no copy of it in the repository."""
    root = conftest.settings.REPO_ROOT
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False
    ).stdout.splitlines()
    assert not [path for path in tracked if Path(path).name.startswith("axe")]


TOPIC_PAGES = [p.url_path for p in registry.PAGES if isinstance(p, registry.Topic) and p.tabs]


def _selected_tab_box(page) -> dict:
    return page.locator("[role='tab'][aria-selected='true']").first.bounding_box()


@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_tabs_are_in_view_on_a_1366x900_screen(page, app_url, path):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_app_page(page, f"{app_url}/{path}", charts=0)
    box = page.locator("[role='tablist']").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, (path, box)
    page.screenshot(path=str(ARTIFACTS / f"a11y-{path}-1366x900.png"))
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / f"a11y-{path}-375x812.png"))


def test_a_link_that_names_a_tab_opens_with_the_tab_in_view(page, app_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_app_page(page, f"{app_url}/homelessness?homeless_tab=Download", charts=0)
    page.wait_for_function(
        "() => { const t = document.querySelector(\"[role='tab'][aria-selected='true']\");"
        " const r = t && t.getBoundingClientRect(); return r && r.top >= 0 && r.top < 300; }",
        timeout=30000,
    )
    assert page.locator("[role='tab'][aria-selected='true']").inner_text() == "Download"
    page.screenshot(path=str(ARTIFACTS / "a11y-tab-link-1366x900.png"))


def test_the_phone_sidebar_closes_after_choosing_a_page(page, app_url):
    page.set_viewport_size({"width": 375, "height": 812})
    open_app_page(page, f"{app_url}/overview", charts=0)
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    link = page.locator("[data-testid='stSidebarNavLink']", has_text="Schools")
    if expand.is_visible():  # closed on a phone at first: open it as a visitor would
        expand.click()
    link.wait_for(state="visible", timeout=10000)
    link.click()
    page.wait_for_url(re.compile(r"/schools"), timeout=60000)
    # Closed again: the page is in view and the button to reopen the sidebar is back.
    expand.wait_for(state="visible", timeout=10000)
    page.wait_for_timeout(1000)  # the sidebar slides out
    box = link.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box  # off the screen
    page.screenshot(path=str(ARTIFACTS / "a11y-phone-after-choosing-a-page.png"))


def test_keyboard_focus_is_visible_on_page_links_and_radios(page, app_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_app_page(page, f"{app_url}/overview", charts=0)
    seen = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => {
                const e = document.activeElement;
                const kind = e.closest("[data-testid='stSidebarNavLink']") ? 'page link'
                    : e.matches("input[type='radio']") ? 'radio' : '';
                if (!kind) return null;
                const ringed = e.matches("input") ? e.closest('label') : e;
                const style = getComputedStyle(ringed);
                return [kind, style.outlineStyle, parseFloat(style.outlineWidth)];
            }"""
        )
        if found:
            seen.setdefault(found[0], found[1:])
        if len(seen) == 2:
            break
    assert seen.get("page link") == ["solid", 3], seen
    assert seen.get("radio") == ["solid", 3], seen
