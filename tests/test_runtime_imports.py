"""The server never imports geopandas or pyproj (issue 9: memory and cold start), and every
package it does import is a runtime dependency in uv.lock (issue 19: what Community Cloud
installs is what the app needs, and no more).

Boundaries are stored in British National Grid metres and read as shapely shapes
(store.read_geometry_table), so nothing the app runs needs a projection library; the two cost the
server about 20 MB and a second of cold start. The check runs every tab of every page, both
boundary sets and the postcode finder in a fresh interpreter, as a pytest process has long
imported geopandas for the build's tests.
"""

import json
import re
import subprocess
import sys
import textwrap
import tomllib

from dashboard.core import settings

SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, REPO_ROOT)
    from streamlit.testing.v1 import AppTest

    def page(url_path, boundary_set, postcode):
        import streamlit as st
        from dashboard.ui.state import Selection
        from dashboard.topics import registry

        if postcode:
            st.session_state["overview_postcode"] = postcode
        spec = registry.page(url_path)
        spec.render(Selection("east", boundary_set))

    from dashboard.topics import registry

    runs, errors = 0, []
    for spec in registry.PAGES:
        key, tabs = spec.tab_key, spec.tabs
        for boundary_set in ("pcon2024", "pcon2010"):
            for tab in tabs or (None,):
                at = AppTest.from_function(
                    page,
                    kwargs={
                        "url_path": spec.url_path,
                        "boundary_set": boundary_set,
                        "postcode": "NG3 1AA" if spec.url_path == "overview" else "",
                    },
                    default_timeout=120,
                )
                if tab:
                    at.query_params[key] = tab
                at.run()
                runs += 1
                errors += [f"{spec.url_path} {tab}: {e.value}" for e in at.exception]
    # The briefing pack's Word and web downloads, as the overview's buttons make them.
    from dashboard import briefing
    from dashboard.core import settings, store

    snapshot = store.Snapshot(settings.data_dir())
    datasets = snapshot.manifest["datasets"]
    brief = briefing.build(
        "E14001410",
        lambda d: snapshot.observations([d]) if d in datasets else None,
        datasets,
    )
    briefing.to_docx(brief)
    briefing.to_html(brief)

    import importlib.metadata

    owners = importlib.metadata.packages_distributions()
    distributions = sorted(
        {d for name in list(sys.modules) for d in owners.get(name.partition(".")[0], [])}
    )
    loaded = sorted(m for m in ("geopandas", "pyproj") if m in sys.modules)
    print(json.dumps({"runs": runs, "errors": errors, "loaded": loaded, "dists": distributions}))
    """
).replace("REPO_ROOT", repr(str(settings.REPO_ROOT)))


def test_no_page_imports_geopandas_or_pyproj(tmp_path):
    script = tmp_path / "run_every_page.py"  # a file: AppTest reads the page function's source
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["runs"] >= 2 * 6 and not result["errors"], result
    assert result["loaded"] == [], f"the app imported {result['loaded']}"
    # setuptools owns the _distutils_hack that a venv's .pth file imports in every process.
    not_locked = set(map(_normal, result["dists"])) - runtime_closure() - {"setuptools"}
    assert not not_locked, f"the server imports packages the lock does not give it: {not_locked}"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> set[str]:
    """Every package uv.lock installs for the app alone (no extras): what Community Cloud gets."""
    lock = tomllib.loads((settings.REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = {}
    for package in lock["package"]:
        packages.setdefault(_normal(package["name"]), []).append(package)
    project = packages["nottingham-east-dashboard"][0]
    todo, seen = [d["name"] for d in project["dependencies"]], {"nottingham-east-dashboard"}
    while todo:
        name = _normal(todo.pop())
        if name not in seen:
            seen.add(name)
            for package in packages[name]:
                todo += [d["name"] for d in package.get("dependencies", [])]
    return seen


def test_the_lock_gives_the_app_what_it_imports_and_not_the_build_packages():
    closure = runtime_closure()
    for build_only in ("geopandas", "pyogrio", "pyproj", "python-calamine", "pandera"):
        assert build_only not in closure, f"uv.lock installs {build_only} for the app"
    for needed in ("streamlit", "python-docx", "matplotlib", "pyarrow", "shapely", "orjson"):
        assert needed in closure, needed


BRIEF_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, REPO_ROOT)
    from dashboard import cli, geography

    code = geography.SEATS[geography.DEFAULT_SEAT].codes[geography.DEFAULT_SET]
    status = cli.main(["brief", "--area", code, "--format", "html", "--out", OUT])
    print(status, "streamlit" in sys.modules)
    """
)


def test_the_briefing_command_never_imports_streamlit(tmp_path):
    """`python -m dashboard brief` reads the page registry for its sections, not the pages."""
    script = BRIEF_SCRIPT.replace("REPO_ROOT", repr(str(settings.REPO_ROOT))).replace(
        "OUT", repr(str(tmp_path / "brief.html"))
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["0", "False"], done.stdout
    assert "QMC Emergency Department" in (tmp_path / "brief.html").read_text(encoding="utf-8")
