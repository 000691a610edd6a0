"""Entry point: shared sidebar (constituency, boundary set) and navigation over the pages."""

import os
import sys
import time
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script; make the package importable from a fresh clone.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.core import store  # noqa: E402
from dashboard.topics import registry  # noqa: E402
from dashboard.ui import components, data, state  # noqa: E402

# The load test in the deploy target's box times every script run on the server with these lines.
LOG_RUN_TIMES = os.environ.get("DASHBOARD_LOG_RUN_TIMES") == "1"

st.set_page_config(
    page_title="Nottingham East issue dashboard",
    page_icon=":material/bar_chart:",  # not an emoji: see components.INFO_ICON
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on phones, open on desktops
)


def _bound(spec, selection):
    def page() -> None:
        spec.render(selection)

    # Streamlit tells pages apart by their function's name; every topic's module is "page".
    page.__name__ = spec.url_path.replace("-", "_")
    return page


def main() -> None:
    started = time.perf_counter()
    try:
        _ = data.snapshot().manifest  # read now, so a missing snapshot is reported here
    except store.SnapshotMissing:
        st.error(
            "The data snapshot is missing, so there is nothing to show. Build it with "
            "`python -m dashboard build`, or restore the committed `data/` folder."
        )
        st.stop()
    except store.SnapshotError as error:
        st.error(
            f"The data snapshot cannot be read ({error}), so there is nothing to show. Rebuild "
            "it with `python -m dashboard build`, or restore the committed `data/` folder."
        )
        st.stop()
    st.sidebar.title("Nottingham issue dashboard")
    selection = state.sidebar_selection()
    pages = [
        st.Page(
            _bound(spec, selection),
            title=spec.title,
            url_path=spec.url_path,
            icon=spec.icon,
        )
        for spec in registry.PAGES
    ]
    # Every page, the first included, has its own path (/overview), so links to it never meet
    # Streamlit's "page not found"; the bare address forwards there, keeping the parameters.
    home = st.Page(
        lambda: st.switch_page(pages[0], query_params=st.query_params.to_dict()),
        title=registry.PAGES[0].title,
        url_path="home",
        default=True,
        visibility="hidden",
    )
    navigation = st.navigation([home, *pages])
    st.sidebar.caption(
        "Official statistics under the Open Government Licence v3.0. Public data only: never "
        "enter casework or personal data here."
    )
    components.browser_aids([page.tab_key for page in registry.PAGES if page.tab_key])
    notices = st.container()  # above the page: what the link asked for that was ignored
    components.run_guarded(navigation.run)
    state.show_url_notices(notices, registry.KEY_PREFIXES)
    if LOG_RUN_TIMES:
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"dashboard-run {navigation.url_path} {elapsed_ms:.1f}", file=sys.stderr, flush=True)


main()
