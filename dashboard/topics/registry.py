"""The pages, in menu order: one record each, so adding a topic is its folder and one line here.

Everything else that lists pages is derived from these records: the app's navigation, the URL
parameters a link may carry (``KEY_PREFIXES``), each page's tabs, the tabs the tests open, the
briefing's sections, and the benchmark's pages and headline datasets.

The records name each page's module rather than import it: pages import Streamlit, and the
command line (``python -m dashboard brief``) reads this registry without loading Streamlit.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Page:
    """A page in the menu."""

    url_path: str
    title: str
    icon: str
    module: str  # the module whose render(selection) draws the page, imported when first drawn
    key_prefix: str  # its controls' keys, and so the URL parameters it reads, start with this
    tabs: tuple[str, ...] = ()  # its lazy tabs' labels; the first is open by default
    headline_datasets: tuple[str, ...] = ()  # the datasets behind what it shows first

    @property
    def tab_key(self) -> str:
        """The URL parameter of its lazy tabs, if it has any."""
        return f"{self.key_prefix}tab" if self.tabs else ""

    @property
    def render(self) -> Callable:
        return importlib.import_module(self.module).render


@dataclass(frozen=True, kw_only=True)
class Topic(Page):
    """A topic page: ``key`` is its folder under ``dashboard/topics/``."""

    key: str
    briefing_title: str  # its section's heading in the briefing pack


OVERVIEW = Page(
    url_path="overview",
    title="Overview",
    icon=":material/map:",
    module="dashboard.site_pages.overview",
    key_prefix="overview_",
    headline_datasets=("ons_pcon_population", "ons_pcon_boundaries", "named_sites"),
)
# In the order of the MP's newsletter.
TOPICS: tuple[Topic, ...] = (
    Topic(
        key="ae",
        briefing_title="QMC Emergency Department",
        url_path="ae",
        title="QMC A&E",
        icon=":material/emergency:",
        module="dashboard.topics.ae.page",
        key_prefix="ae_",
        tabs=(
            "4-hour trend",
            "Waits and attendances",
            "Seasonal",
            "Rank",
            "Map",
            "Download",
            "Notes",
        ),
        headline_datasets=("nhse_ae_monthly",),
    ),
    Topic(
        key="prison",
        briefing_title="Safety at HMP Nottingham",
        url_path="prison",
        title="HMP Nottingham",
        icon=":material/gavel:",
        module="dashboard.topics.prison.page",
        key_prefix="prison_",
        tabs=(
            "Crowding",
            "Inspections",
            "Assaults and self-harm",
            "Staffing",
            "Map",
            "Gaps in the record",
        ),
        headline_datasets=(
            "moj_population_bulletin_2011_2016",
            "moj_population_bulletin_nottingham_2018_2026",
        ),
    ),
    Topic(
        key="uc",
        briefing_title="Universal Credit",
        url_path="universal-credit",
        title="Universal Credit",
        icon=":material/wallet:",
        module="dashboard.topics.uc.page",
        key_prefix="uc_",
        tabs=("Trend", "Growth", "Map", "Compare", "Estimate check", "Notes"),
        headline_datasets=(
            "dwp_uc_households_pcon2024",
            "uc_households_pcon_estimate",
            "dwp_uc_households_lad_may2025",
        ),
    ),
    Topic(
        key="homelessness",
        briefing_title="Homelessness",
        url_path="homelessness",
        title="Homelessness",
        icon=":material/night_shelter:",
        module="dashboard.topics.homelessness.page",
        key_prefix="homeless_",
        tabs=(
            "Trend",
            "Temporary accommodation",
            "Compare",
            "Reasons and households",
            "Rough sleeping",
            "Download",
            "Coverage and limits",
        ),
        headline_datasets=("mhclg_hclic_detailed_la", "mhclg_rough_sleeping_snapshot"),
    ),
    Topic(
        key="schools",
        briefing_title="School standards",
        url_path="schools",
        title="Schools",
        icon=":material/school:",
        module="dashboard.topics.schools.page",
        key_prefix="schools_",
        tabs=("Map", "Attention", "GCSE", "Trends", "Ofsted and absence", "All schools", "Notes"),
        headline_datasets=("dfe_school_spine_2017_18", "dfe_census_2018_19"),
    ),
)
DATA_SOURCES = Page(
    url_path="data-and-sources",
    title="Data & sources",
    icon=":material/dataset:",
    module="dashboard.site_pages.data_sources",
    key_prefix="sources_",
    tabs=("Publications", "Files and caveats", "Release calendar", "Download the data"),
)

PAGES: tuple[Page, ...] = (OVERVIEW, *TOPICS, DATA_SOURCES)
KEY_PREFIXES: tuple[str, ...] = tuple(page.key_prefix for page in PAGES)


def page(url_path: str) -> Page:
    """The page at ``/<url_path>``."""
    for entry in PAGES:
        if entry.url_path == url_path:
            return entry
    raise KeyError(f"no page /{url_path} in the registry")


def tabs(url_path: str) -> tuple[str, tuple[str, ...]]:
    """A page's tab URL parameter and tab labels, for the page module itself to draw."""
    entry = page(url_path)
    return entry.tab_key, entry.tabs
