"""A damaged snapshot, seen in Chromium with the error setting Community Cloud forces: plain
messages on the affected sections, and no traceback, path or exception name anywhere."""

import shutil

import pytest

from dashboard.core import settings, store
from tests.browser.conftest import open_app_page, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.browser

# What a leaked Python error looks like on a page: any of these is a failure.
LEAKS = ("Traceback", "ArrowInvalid", "JSONDecodeError", "KeyError", 'File "', ".parquet", "/tmp")
DAMAGED_DATASET = "nhse_ae_monthly"
# The value Community Cloud forces, which Streamlit 1.67 reads as "stacktrace".
CLOUD_ERRORS = ("--client.showErrorDetails", "false")


def _copy_snapshot(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(settings.data_dir(), copy)
    return copy


def _assert_nothing_leaks(page) -> None:
    text = page.locator("body").inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    for leak in LEAKS:
        assert leak not in text, leak


def test_a_damaged_table_is_one_plain_message_on_its_section(tmp_path, page):
    data = _copy_snapshot(tmp_path)
    manifest = store.read_manifest(data)
    table = data / manifest["datasets"][DAMAGED_DATASET]["tables"]["observations"]["file"]
    table.write_bytes(b"PAR1 not really parquet PAR1")
    with running_app(
        "--client.showErrorDetails", "false", env={"DASHBOARD_DATA": str(data)}
    ) as url:
        open_app_page(page, f"{url}/ae", charts=0)
        alert = page.locator("[data-testid='stAlert']", has_text="data is unavailable")
        alert.first.wait_for(timeout=120000)  # a first run on a busy machine can lag the shell
        assert alert.count() == 1
        assert f"{DAMAGED_DATASET}: its observations table is damaged" in alert.inner_text()
        _assert_nothing_leaks(page)
        screenshot(page, "damaged-table-ae")
        # The other pages do not depend on that table and still draw their charts.
        open_app_page(page, f"{url}/prison", charts=1)
        _assert_nothing_leaks(page)


@pytest.mark.parametrize("damage, manifest_text", [("invalid-json", "{ not json"), ("empty", "{}")])
def test_a_damaged_manifest_is_one_plain_message_on_every_page(
    tmp_path, page, damage, manifest_text
):
    data = _copy_snapshot(tmp_path)
    (data / store.MANIFEST).write_text(manifest_text, encoding="utf-8")
    with running_app(
        "--client.showErrorDetails", "false", env={"DASHBOARD_DATA": str(data)}
    ) as url:
        for path in ("overview", "data-and-sources"):
            page.goto(f"{url}/{path}")
            wait_for_app(page)
            page.get_by_text("The data snapshot cannot be read").wait_for(timeout=120000)
            assert "The data snapshot cannot be read" in page.locator("body").inner_text()
            _assert_nothing_leaks(page)
        screenshot(page, f"damaged-manifest-{damage}")
