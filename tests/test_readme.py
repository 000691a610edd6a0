"""The README is a contract: it lists every source and the commands CI runs."""

from dashboard.core import catalogue, settings

README = (settings.REPO_ROOT / "README.md").read_text(encoding="utf-8")
CI = (settings.REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_catalogued_publication_is_listed_with_its_licence():
    for publication in catalogue.CATALOGUE:
        assert f"`{publication.id}`" in README, publication.id
        assert publication.licence in README


def test_ci_runs_the_readme_test_command_and_setup():
    for command in (
        ".venv/bin/python -m pytest",
        ".venv/bin/pip install -r requirements.txt -r requirements-test.txt",
        ".venv/bin/streamlit run dashboard/app.py",
    ):
        assert command in README
    assert ".venv/bin/python -m pytest" in CI
    assert "-r requirements.txt -r requirements-test.txt" in CI
