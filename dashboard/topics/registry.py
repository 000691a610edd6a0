"""The pages, in menu order: one record each, so adding a topic is its folder and one line here.

Everything else that lists pages is derived from these records: the app's navigation, the URL
parameters a link may carry (``KEY_PREFIXES``), the tabs the tests open, and the benchmark's
pages and headline datasets.
"""

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.site_pages import data_sources, overview
from dashboard.topics.ae import model as ae_model
from dashboard.topics.ae import page as ae
from dashboard.topics.homelessness import page as homelessness
from dashboard.topics.prison import model as prison_model
from dashboard.topics.prison import page as prison
from dashboard.topics.schools import page as schools
from dashboard.topics.uc import page as uc


@dataclass(frozen=True, kw_only=True)
class Page:
    """A page in the menu."""

    url_path: str
    title: str
    icon: str
    render: Callable  # render(selection) draws the page
    key_prefix: str  # its controls' keys, and so the URL parameters it reads, start with this
    tab_key: str = ""  # the URL parameter of its lazy tabs, if it has any
    tabs: tuple[str, ...] = ()  # their labels; the first is open by default
    headline_datasets: tuple[str, ...] = ()  # the datasets behind what it shows first


@dataclass(frozen=True, kw_only=True)
class Topic(Page):
    """A topic page: ``key`` is its folder under ``dashboard/topics/``."""

    key: str


OVERVIEW = Page(
    url_path="overview",
    title="Overview",
    icon=":material/map:",
    render=overview.render,
    key_prefix="overview_",
    headline_datasets=("ons_pcon_population", "ons_pcon_boundaries", "named_sites"),
)
# In the order of the MP's newsletter.
TOPICS: tuple[Topic, ...] = (
    Topic(
        key="ae",
        url_path="ae",
        title="QMC A&E",
        icon=":material/emergency:",
        render=ae.render,
        key_prefix="ae_",
        tab_key=ae.TAB_KEY,
        tabs=ae.TABS,
        headline_datasets=(ae_model.DATASET,),
    ),
    Topic(
        key="prison",
        url_path="prison",
        title="HMP Nottingham",
        icon=":material/gavel:",
        render=prison.render,
        key_prefix="prison_",
        tab_key=prison.TAB_KEY,
        tabs=prison.TABS,
        headline_datasets=prison_model.POPULATION_DATASETS,
    ),
    Topic(
        key="uc",
        url_path="universal-credit",
        title="Universal Credit",
        icon=":material/wallet:",
        render=uc.render,
        key_prefix="uc_",
        tab_key=uc.TAB_KEY,
        tabs=uc.TABS,
        headline_datasets=(uc.PCON, uc.ESTIMATE, uc.LAD_MAY),
    ),
    Topic(
        key="homelessness",
        url_path="homelessness",
        title="Homelessness",
        icon=":material/night_shelter:",
        render=homelessness.render,
        key_prefix="homeless_",
        tab_key=homelessness.TAB_KEY,
        tabs=homelessness.TABS,
        headline_datasets=(homelessness.HCLIC, homelessness.ROUGH),
    ),
    Topic(
        key="schools",
        url_path="schools",
        title="Schools",
        icon=":material/school:",
        render=schools.render,
        key_prefix="schools_",
        tab_key=schools.TAB_KEY,
        tabs=schools.TABS,
        headline_datasets=(schools.SPINE, schools.CENSUS),
    ),
)
DATA_SOURCES = Page(
    url_path="data-and-sources",
    title="Data & sources",
    icon=":material/dataset:",
    render=data_sources.render,
    key_prefix="sources_",
    tab_key=data_sources.TAB_KEY,
    tabs=data_sources.TABS,
)

PAGES: tuple[Page, ...] = (OVERVIEW, *TOPICS, DATA_SOURCES)
KEY_PREFIXES: tuple[str, ...] = tuple(page.key_prefix for page in PAGES)


def page(url_path: str) -> Page:
    """The page at ``/<url_path>``."""
    for entry in PAGES:
        if entry.url_path == url_path:
            return entry
    raise KeyError(f"no page /{url_path} in the registry")
