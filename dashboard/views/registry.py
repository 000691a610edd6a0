"""The pages, in menu order: one line each, so adding a topic page is one line here."""

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.views import data_sources, overview


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    title: str
    render: Callable  # render(selection) draws the page
    icon: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", overview.render, ":material/map:"),
    # Topic pages go here, in the order of the MP's newsletter.
    PageSpec("data-and-sources", "Data & sources", data_sources.render, ":material/dataset:"),
)
