"""The catalogue is data: every publications.toml loads, is registered, and covers the snapshot."""

import dataclasses

import pandas as pd
import pytest

from dashboard.core import catalogue, settings, store
from dashboard.topics import registry


@pytest.mark.parametrize(("path", "topic"), catalogue.catalogue_files(), ids=lambda x: str(x))
def test_every_publications_file_loads_with_valid_records(path, topic):
    publications, measures = catalogue.load_file(path, topic)
    assert publications, f"{path} has no [[publication]]"
    for publication in publications:
        assert publication.topic == topic
        module = publication.parser.rsplit(".", 1)[-1]
        assert (path.parent / "sources" / f"{module}.py").is_file(), publication.parser
        assert publication.frequency in catalogue.FREQUENCIES
        assert publication.files and all(f.path for f in publication.files)
    for measure in measures:
        assert measure.label and measure.unit and measure.definition, measure.id
        for found in measure.breaks:
            assert found.kind in catalogue.BREAK_KINDS
            assert found.end is None or found.end >= found.start, measure.id


def _write(tmp_path, text: str):
    path = tmp_path / "publications.toml"
    path.write_text(text, encoding="utf-8")
    return path


RECORD = """
[[publication]]
id = "x"
publisher = "P"
title = "T"
landing_url = "https://example.org/"
licence = "OGL"
cadence = "Monthly"
frequency = "monthly"
geography = "England"
parser = "x"
{extra}
[[publication.files]]
path = "x/*.csv"
"""


def test_a_record_with_an_unknown_key_fails_naming_file_and_key(tmp_path):
    path = _write(tmp_path, RECORD.format(extra='licenze = "OGL"'))
    with pytest.raises(
        catalogue.CatalogueError, match=r"publications\.toml: publication 'x'.*'licenze'"
    ) as error:
        catalogue.load_file(path, "ae")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('frequency2 = "x"', "unknown key 'frequency2'"),
        ("official = 1", "key 'official' should be bool"),
        ("max_bytes = true", "key 'max_bytes' should be int"),
        ('released = "2026-13-01"', "released '2026-13-01' is not a YYYY-MM-DD date"),
        ('release_rule = "first_monday"', "release_rule 'first_monday' is not one of"),
    ],
)
def test_bad_values_fail_with_one_line(tmp_path, extra, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        catalogue.load_file(_write(tmp_path, RECORD.format(extra=extra)), "ae")


def test_measures_and_breaks_are_checked(tmp_path):
    measure = '\n[[measure]]\nid = "m"\nlabel = "M"\nunit = "count"\ndefinition = "D"\n'
    with pytest.raises(catalogue.CatalogueError, match="unit 'people' is not one of"):
        catalogue.load_file(
            _write(tmp_path, RECORD.format(extra="") + measure.replace("count", "people")), "ae"
        )
    bad_break = (
        '\n[[break]]\nmeasures = ["n"]\nkind = "methodology"\nfrom = "2020-01-01"\nnote = "N"\n'
    )
    with pytest.raises(catalogue.CatalogueError, match="break names unknown measure 'n'"):
        catalogue.load_file(_write(tmp_path, RECORD.format(extra="") + measure + bad_break), "ae")
    with pytest.raises(catalogue.CatalogueError, match="missing key 'definition'"):
        catalogue.load_file(
            _write(tmp_path, RECORD.format(extra="") + measure.replace('definition = "D"\n', "")),
            "ae",
        )


def test_the_parser_path_comes_from_the_folder():
    assert catalogue.get("nhse_ae_monthly").parser == "topics.ae.sources.nhse_ae"
    assert catalogue.get("ons_pcon_boundaries").parser == "geography.sources.ons_pcon_boundaries"
    assert catalogue.get("nhse_ae_monthly").topic == "ae"
    assert catalogue.get("nhse_ae_monthly").licence == catalogue.OGL


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.get("nhse_ae_monthly").title = "changed"


def _registered_topics() -> set[str]:
    """Topic folders the registry reaches: by a Topic record's key, or by its page's module."""
    entries = getattr(registry, "TOPICS", None) or registry.PAGES
    found = set()
    for entry in entries:
        key = getattr(entry, "key", None)
        render = getattr(entry, "render", None) or getattr(entry, "page", None)
        module = getattr(render, "__module__", None) or getattr(render, "__name__", "")
        if module.startswith("dashboard.topics."):
            found.add(module.split(".")[2])
        elif key:
            found.add(key)
    return found


def test_every_topic_folder_with_publications_is_registered():
    topics = {topic for _, topic in catalogue.catalogue_files() if topic != "geography"}
    assert topics, "no topic publications.toml found"
    assert topics <= _registered_topics()


def test_every_measure_in_the_snapshot_has_label_unit_and_definition():
    snapshot = store.Snapshot(settings.data_dir())
    seen = []
    for dataset_id in snapshot.dataset_ids:
        if store.OBSERVATIONS in snapshot.manifest["datasets"][dataset_id]["tables"]:
            frame = pd.read_parquet(
                snapshot.table_path(dataset_id, store.OBSERVATIONS), columns=["measure", "unit"]
            )
            seen.append(frame.drop_duplicates())
    pairs = pd.concat(seen).drop_duplicates()
    assert len(pairs) > 100
    for row in pairs.itertuples():
        measure = catalogue.measure(row.measure)  # raises for a measure with no record
        assert measure.label and measure.definition, row.measure
        assert measure.unit == row.unit, (row.measure, row.unit, measure.unit)


def test_the_nuh_field_test_gap_is_a_structured_break():
    gap = [b for b in catalogue.measure("pct_within_4h_all").breaks if b.kind == "reporting_gap"]
    assert [(b.area, b.start, b.end) for b in gap] == [("RX1", "2019-05-01", "2023-05-31")]
    variant = catalogue.measure("ks4_attainment8_all_schools")
    assert variant.unit == "score" and variant.breaks == catalogue.measure("ks4_attainment8").breaks
    with pytest.raises(KeyError, match="unknown measure"):
        catalogue.measure("no_such_measure")


def test_the_sources_page_shows_each_measure_with_its_definition_and_breaks():
    from dashboard.site_pages import data_sources

    table = data_sources.measures_table(
        "nhse_ae_monthly", ["attendances_other", "attendances_type1"]
    )
    other = table.set_index("Measure").loc["attendances_other"]
    assert other["Definition"] == catalogue.measure("attendances_other").definition
    assert "composition from 2025-10-01, RX1 only" in other["Comparability breaks"]
    ks4 = data_sources.measures_table("dfe_ks4_final_la", ["ks4_attainment8"])
    assert "provisional" not in ks4["Comparability breaks"].iloc[0]  # another dataset's break


def _sources_page() -> None:
    from dashboard.site_pages import data_sources

    data_sources.render()


def test_the_sources_page_lists_a_publications_measures():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sources_page, default_timeout=120)
    at.query_params["sources_tab"] = "Files and caveats"
    at.query_params["sources_publication"] = "nhse_ae_monthly"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = next(frame.value for frame in at.dataframe if "Definition" in frame.value.columns)
    assert "pct_within_4h_all" in set(shown["Measure"])
