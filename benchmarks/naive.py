"""The naive baseline: parse the raw publications on every view, against reading the snapshot."""

import time

from benchmarks.apps import Context, apptest_page, run_clean
from benchmarks.report import (
    NAIVE_MIN_SPEEDUP,
    BenchError,
    Budget,
    Row,
    error_row,
    format_value,
    log,
    median,
)
from dashboard.core import settings

# Pages for the naive baseline (label -> url_path). The tables each reads are recorded from a
# cold-cache AppTest run; they must hold the page's headline datasets (the registry's).
NAIVE_PAGES = {"overview": "overview", "A&E": "ae"}


def _parse_raw(dataset_id: str) -> dict:
    from dashboard.core import build, catalogue

    publication = catalogue.get(dataset_id)
    inputs = build.resolve_inputs(publication, settings.sources_dir())
    module = build.parser_module(publication)
    return module.parse([path for _, path in inputs], dataset=publication.id)


def _load_snapshot(tables: list[tuple[str, str]]) -> dict[str, dict]:
    from dashboard.ui import data

    loaded: dict[str, dict] = {}
    for dataset_id, name in tables:
        loaded.setdefault(dataset_id, {})[name] = data.table(dataset_id, name)
    return loaded


def tables_read(url_path: str) -> list[tuple[str, str]]:
    """The snapshot tables a page reads: one run with every process cache empty (view models
    included: a cached model would hide its reads), as ``data.tables_read`` records them."""
    import streamlit as st

    from dashboard.ui import data

    st.cache_resource.clear()
    data.forget_tables_read()
    run_clean(apptest_page(url_path))
    return sorted(data.tables_read())


def _headline(page: str, tables: dict[str, dict]) -> tuple:
    """What the page shows first: the seat's population and neighbours; the 4-hour figures."""
    from dashboard import geography

    seat = geography.SEATS[geography.DEFAULT_SEAT]
    code = seat.codes[geography.DEFAULT_SET]
    if page == "overview":
        population = tables["ons_pcon_population"]["observations"]
        rows = population[
            (population["area_code"] == code) & (population["measure"] == "population_all_ages")
        ]
        latest = rows.loc[rows["period_end"].idxmax()]
        boundaries = tables["ons_pcon_boundaries"][geography.DEFAULT_SET]
        near = geography.neighbours(boundaries, code)
        return (float(latest["value"]), tuple(sorted(near)), len(tables["named_sites"]["sites"]))
    monthly = tables["nhse_ae_monthly"]["observations"]
    shown = []
    for area in ("RX1", "E92000001"):
        rows = monthly[
            (monthly["area_code"] == area) & (monthly["measure"] == "pct_within_4h_all")
        ].dropna(subset=["value"])
        latest = rows.loc[rows["period_start"].idxmax()]
        shown.append((area, str(latest["period_start"].date()), round(float(latest["value"]), 4)))
    return tuple(shown)


def bench_naive(ctx: Context) -> list[Row]:
    from dashboard.topics import registry
    from dashboard.ui import data

    if settings.sources_dir() is None:
        raise BenchError(f"no sources folder; set {settings.SOURCES_ENV}")
    registered = {spec.url_path for spec in registry.PAGES}
    rows = []
    for page, url_path in NAIVE_PAGES.items():
        if url_path not in registered:
            rows.append(error_row("naive", page, f"no page /{url_path} in the registry"))
            continue
        tables = tables_read(url_path)
        unread = set(registry.page(url_path).headline_datasets) - {d for d, _ in tables}
        if unread:
            rows.append(error_row("naive", page, f"headline datasets not read: {sorted(unread)}"))
            continue
        datasets = sorted({dataset_id for dataset_id, _ in tables})
        raw_times, cold_times, warm_times = [], [], []
        values = set()
        for _ in ctx.pacer("naive").repeat():
            start = time.perf_counter()
            values.add(_headline(page, {d: _parse_raw(d) for d in datasets}))
            raw_times.append(time.perf_counter() - start)
            data.table.clear()  # the first view after a cold start reads the Parquet files
            data.snapshot.clear()
            start = time.perf_counter()
            values.add(_headline(page, _load_snapshot(tables)))
            cold_times.append(time.perf_counter() - start)
            start = time.perf_counter()  # every later view: the process-wide cache
            values.add(_headline(page, _load_snapshot(tables)))
            warm_times.append(time.perf_counter() - start)
        if len(values) != 1:
            rows.append(error_row("naive", page, f"raw and snapshot headlines differ: {values}"))
            continue
        raw = median(raw_times)
        rows.append(
            Row(
                "naive",
                f"{page}: raw files parsed per view",
                raw,
                "s",
                len(raw_times),
                note=(
                    f"parses {', '.join(datasets)}; the page reads {len(tables)} snapshot "
                    f"tables; same headline both ways: {values.pop()}"
                ),
            )
        )
        for label, times, budget in [
            ("per view (cached loaders)", warm_times, Budget(NAIVE_MIN_SPEEDUP, at_least=True)),
            ("first view (Parquet read)", cold_times, None),
        ]:
            snapshot = median(times)
            rows.append(
                Row(
                    "naive",
                    f"{page}: snapshot {label}, speed-up",
                    raw / snapshot,
                    "x",
                    len(times),
                    reference=f"naive {format_value(raw, 's')} / {format_value(snapshot, 's')}",
                    ratio=raw / snapshot,
                    budget=budget,
                )
            )
        log(f"naive {page}: raw {raw:.2f} s, snapshot {median(cold_times):.3f} s cold")
    return rows
