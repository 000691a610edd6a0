"""The README is a contract: it lists every source and the commands CI runs."""

from dashboard.core import catalogue, settings

README = (settings.REPO_ROOT / "README.md").read_text(encoding="utf-8")
CI = (settings.REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_catalogued_publication_is_listed_with_its_licence():
    for publication in catalogue.CATALOGUE:
        assert f"`{publication.id}`" in README, publication.id
        assert publication.licence in README


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line[:1] not in " "]


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    assert _quick_start_commands() == ["./run app", "./run tests"]
    run = (settings.REPO_ROOT / "run").read_text(encoding="utf-8")
    assert "streamlit run dashboard/app.py" in run and "-m pytest" in run
    assert "uv sync --locked" in run  # both install from the lock Community Cloud reads
    assert "ruff check" in run and "ruff format --check" in run
    assert [line.strip() for line in CI.splitlines()][-1] == "exec ./run tests"


def test_no_second_list_of_dependencies():
    # pyproject.toml and uv.lock are the one source; a requirements.txt would shadow the lock
    # on Community Cloud only if uv.lock were missing, and would drift from it.
    assert (settings.REPO_ROOT / "uv.lock").is_file()
    assert not list(settings.REPO_ROOT.glob("requirements*.txt"))
