"""The pages, in menu order: one line each, so adding a topic page is one line here."""

import sys
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.site_pages import data_sources, overview
from dashboard.topics.ae import page as ae
from dashboard.topics.homelessness import page as homelessness
from dashboard.topics.prison import page as prison
from dashboard.topics.schools import page as schools
from dashboard.topics.uc import page as universal_credit


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    title: str
    render: Callable  # render(selection) draws the page
    icon: str | None = None

    @property
    def tabs(self) -> tuple[str, tuple[str, ...]]:
        """The page's lazy tabs as its module declares them: ``TAB_KEY`` (the URL parameter)
        and ``TABS`` (the labels, the first open by default); ("", ()) for a page without."""
        module = sys.modules[self.render.__module__]
        return getattr(module, "TAB_KEY", ""), tuple(getattr(module, "TABS", ()))


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", overview.render, ":material/map:"),
    # Topic pages go here, in the order of the MP's newsletter.
    PageSpec("ae", "QMC A&E", ae.render, ":material/emergency:"),
    PageSpec("prison", "HMP Nottingham", prison.render, ":material/gavel:"),
    PageSpec("universal-credit", "Universal Credit", universal_credit.render, ":material/wallet:"),
    PageSpec("homelessness", "Homelessness", homelessness.render, ":material/night_shelter:"),
    PageSpec("schools", "Schools", schools.render, ":material/school:"),
    PageSpec("data-and-sources", "Data & sources", data_sources.render, ":material/dataset:"),
)
