"""The server never imports geopandas or pyproj (issue 9: memory and cold start).

Boundaries are stored in British National Grid metres and read as shapely shapes
(store.read_geometry_table), so nothing the app runs needs a projection library; the two cost the
server about 20 MB and a second of cold start. The check runs every tab of every page, both
boundary sets and the postcode finder in a fresh interpreter, as a pytest process has long
imported geopandas for the build's tests.
"""

import json
import subprocess
import sys
import textwrap

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
        spec = next(p for p in registry.PAGES if p.url_path == url_path)
        spec.render(Selection("east", boundary_set))

    from dashboard.topics import registry

    runs, errors = 0, []
    for spec in registry.PAGES:
        key, tabs = spec.tabs
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
    loaded = sorted(m for m in ("geopandas", "pyproj") if m in sys.modules)
    print(json.dumps({"runs": runs, "errors": errors, "loaded": loaded}))
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
