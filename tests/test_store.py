"""A damaged snapshot gives one plain line (no path, no exception name), never a traceback."""

import shutil

import pytest

from dashboard.core import settings, store


@pytest.fixture
def snapshot_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(settings.data_dir(), copy)
    return copy


@pytest.mark.parametrize(
    "text, message",
    [
        ("{ not json", "the snapshot manifest is damaged: it is not valid JSON"),
        ("\udcff", "the snapshot manifest is damaged: it is not valid JSON"),
        ("{}", "the snapshot manifest lists no datasets"),
        ('{"datasets": []}', "the snapshot manifest lists no datasets"),
        ('{"datasets": {"a": {"tables": {"t": {}}}}}', "the snapshot manifest's entry for a"),
    ],
)
def test_a_damaged_manifest_is_one_plain_line(snapshot_copy, text, message):
    (snapshot_copy / store.MANIFEST).write_text(text, encoding="utf-8", errors="surrogateescape")
    with pytest.raises(store.SnapshotUnreadable) as raised:
        store.read_manifest(snapshot_copy)
    assert str(raised.value).startswith(message)
    assert str(snapshot_copy) not in str(raised.value)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted"])
def test_a_damaged_table_is_one_plain_line(snapshot_copy, damage):
    snapshot = store.Snapshot(snapshot_copy)
    dataset = snapshot.dataset_ids[0]
    table = next(iter(snapshot.manifest["datasets"][dataset]["tables"]))
    path = snapshot.table_path(dataset, table)
    if damage == "garbage":
        path.write_bytes(b"PAR1 not parquet PAR1")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.unlink()
    with pytest.raises(store.SnapshotUnreadable) as raised:
        snapshot.table(dataset, table)
    assert str(raised.value) in (
        f"{dataset}: its {table} table is damaged",
        f"{dataset}: its {table} table is missing",
    )
