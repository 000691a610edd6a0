"""Command line: build the snapshot, fetch live files, refresh, query observations."""

import argparse
import sys

from dashboard.core import settings


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build(args) -> int:
    from dashboard.core import uptodate

    sources = settings.sources_dir(args.sources)
    if sources is None or not sources.is_dir():
        print(
            f"error: no sources folder; pass --sources DIR or set {settings.SOURCES_ENV}",
            file=sys.stderr,
        )
        return 2
    data = settings.data_dir(args.data)
    # Answered with the standard library: importing the build (pandas, pyarrow) took most of a
    # second of a rebuild that then found nothing to do.
    found = uptodate.check_unchanged(sources, data, args.only)
    if found is not None:
        unchanged, kept = found
        _progress(f"inputs and parsers match the snapshot; {data} left as it was")
        _progress(
            f"built: 0 parsed, {len(unchanged)} unchanged, "
            f"{len(kept)} kept from the previous snapshot"
        )
        return 0
    from dashboard.core.build import BuildFailed, build

    try:
        report = build(
            sources,
            data,
            only=args.only,
            progress=_progress,
            allow_shrink=args.allow_shrink,
        )
    except BuildFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    except uptodate.BuildRunning as running:
        print(f"error: {running}", file=sys.stderr)
        return 3
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    _progress(
        f"built: {len(report.parsed)} parsed, {len(report.unchanged)} unchanged, "
        f"{len(report.kept)} kept from the previous snapshot"
    )
    return 0


def _snapshot(args):
    """The snapshot named by --data, $DASHBOARD_DATA or the working directory."""
    from dashboard.core import store

    folder = settings.data_dir(args.data)
    if not (folder / store.MANIFEST).is_file():  # say where we looked: this is a terminal
        raise store.SnapshotMissing(f"{settings.NO_SNAPSHOT} (looked in {folder})")
    return store.Snapshot(folder)


def _write(args, frame) -> int:
    from pathlib import Path

    from dashboard.core import query

    out = Path(args.out) if args.out else None
    try:
        query.write(frame, out, query.format_for(out, args.format), sys.stdout)
    except query.QueryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 1
    if out is not None:
        _progress(f"{len(frame):,} rows written to {out}")
    return 0


def _query(args) -> int:
    from dashboard.core import query, store

    try:
        observations = _snapshot(args).observations()
        selected = query.select(
            observations,
            dataset=args.dataset,
            measure=args.measure,
            area=args.area,
            period=args.period,
        )
    except (query.QueryError, store.SnapshotError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if selected.empty:
        print("error: no observations match", file=sys.stderr)
        return 1
    return _write(args, query.for_output(selected))


def _list(args) -> int:
    from dashboard.core import query, store

    try:
        snapshot = _snapshot(args)
        manifest = snapshot.manifest["datasets"]
        if args.what == "datasets":
            table = query.datasets_table(manifest)
        elif args.what == "measures":
            table = query.measures_table(manifest)
        else:
            table = query.areas_table(snapshot.observations())
    except store.SnapshotError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return _write(args, table)


def _fetch(args) -> int:
    from dashboard.core import fetch

    try:
        fetched = fetch.fetch_catalogue(
            settings.REPO_ROOT / "downloads" if args.to is None else args.to,
            only=args.only,
            base_url=args.base_url,
            progress=_progress,
        )
    except fetch.FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _progress(f"fetched {len(fetched)} file(s); build from them with --sources {args.to}")
    return 0


def _govuk(args) -> int:
    import requests

    from dashboard.core import fetch, govuk

    to = args.to or settings.REPO_ROOT / "downloads"
    try:
        results = govuk.download_latest(
            to, only=args.only, base_url=args.base_url or govuk.GOVUK, progress=_progress
        )
    except (fetch.FetchError, requests.RequestException) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    parsed = sum(result["parsed"] for result in results)
    _progress(f"downloaded {len(results)} file(s) into {to}; {parsed} in a layout we parse")
    return 0


def _statxplore(args) -> int:
    from pathlib import Path

    from dashboard.topics.uc import statxplore_api as api

    try:
        result = api.refresh(
            months=args.month or (),
            sources=settings.sources_dir(args.sources),
            base_url=args.base_url or api.BASE_URL,
            progress=_progress,
        )
    except (api.StatXploreError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if result.observations is None:  # no key: the message is printed, nothing else happens
        return 0
    out = Path(args.out or settings.REPO_ROOT / "downloads" / "statxplore" / "uc_households.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    result.observations.to_csv(out, index=False, date_format="%Y-%m-%d", float_format="%.10g")
    _progress(f"{result.message}; written to {out}")
    return 0


def _refresh(args) -> int:
    from pathlib import Path

    from dashboard.core import refresh

    data = settings.data_dir(args.data)
    downloads = Path(args.sources) if args.sources else settings.REPO_ROOT / "downloads"
    try:
        run = refresh.refresh(
            data=data,
            downloads=downloads.resolve(),
            base_sources=settings.sources_dir(),
            only=args.only,
            base_url=args.base_url,
            dry_run=args.dry_run,
            progress=_progress,
        )
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    text = refresh.report_markdown(run)
    if args.dry_run and not args.report:
        sys.stdout.write(text)
    else:
        out = Path(args.report) if args.report else refresh.report_path(data)
        out.write_text(text, encoding="utf-8")
        _progress(f"change report written to {out}")
    return 1 if run.failed else 0


def _brief(args) -> int:
    from dashboard import briefing
    from dashboard.core import store

    try:
        snapshot = _snapshot(args)
        brief = briefing.build(
            args.area,
            lambda dataset: (
                snapshot.observations([dataset])
                if dataset in snapshot.manifest["datasets"]
                else None
            ),
            snapshot.manifest["datasets"],
        )
    except (ValueError, store.SnapshotError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        sys.stdout.write(briefing.check(brief))
        return 0
    if args.format == "docx":
        if not args.out:
            print("error: --format docx needs --out FILE", file=sys.stderr)
            return 2
        with open(args.out, "wb") as handle:
            handle.write(briefing.to_docx(brief))
    else:
        text = briefing.to_html(brief) if args.format == "html" else briefing.to_markdown(brief)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        help=f"snapshot folder (default: ${settings.DATA_ENV}, else data/ in the working "
        "directory, else the checkout's data/)",
    )
    commands = root.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", parents=[common], help="parse, validate and write the snapshot"
    )
    build.add_argument("--sources", help=f"sources folder (default: ${settings.SOURCES_ENV})")
    build.add_argument("--only", action="append", metavar="DATASET", help="repeatable")
    build.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept tables that lose more than 5%% of their rows since the last snapshot",
    )
    build.set_defaults(run=_build)

    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--out", help="file to write (default: standard output)")
    output.add_argument(
        "--format",
        choices=["csv", "parquet", "json"],
        help="default: the --out file's suffix, else csv; parquet needs --out",
    )
    query = commands.add_parser(
        "query", parents=[common, output], help="matching observations as CSV, Parquet or JSON"
    )
    query.add_argument("--dataset")
    query.add_argument("--measure")
    query.add_argument("--area", help="GSS, ODS or NOMIS code, or URN")
    query.add_argument("--period", help="YYYY-MM (period starting that month) or YYYY-MM-DD")
    query.set_defaults(run=_query)
    listing = commands.add_parser(
        "list",
        parents=[common, output],
        help="the snapshot's datasets, measures (label, unit, definition) or areas",
    )
    listing.add_argument("what", choices=["datasets", "measures", "areas"])
    listing.set_defaults(run=_list)

    fetch = commands.add_parser(
        "fetch", parents=[common], help="download the catalogue's files from their URLs"
    )
    fetch.add_argument("--to", help="folder laid out like the sources folder (default downloads/)")
    fetch.add_argument("--only", action="append", metavar="DATASET")
    fetch.add_argument(
        "--base-url",
        help="fetch from a mirror at this URL instead of the official hosts (for testing)",
    )
    fetch.set_defaults(run=_fetch)
    govuk = commands.add_parser(
        "govuk", help="find and download the newest GOV.UK attachments (Content API)"
    )
    govuk.add_argument("--to", help="folder laid out like the sources folder (default downloads/)")
    govuk.add_argument("--only", action="append", metavar="DATASET")
    govuk.add_argument("--base-url", help="a test server instead of https://www.gov.uk")
    govuk.set_defaults(run=_govuk)
    statxplore = commands.add_parser(
        "statxplore", help="households on UC by 2024 constituency and LA from the Stat-Xplore API"
    )
    statxplore.add_argument("--month", action="append", help="YYYY-MM, repeatable (default: all)")
    statxplore.add_argument("--out", help="CSV to write (default downloads/statxplore/)")
    statxplore.add_argument("--sources", help="sources folder holding the constituency code list")
    statxplore.add_argument("--base-url", help="a test server instead of Stat-Xplore")
    statxplore.set_defaults(run=_statxplore)
    refresh = commands.add_parser(
        "refresh",
        parents=[common],
        help="download each routed publication's newest release, build, report the changes",
    )
    refresh.add_argument(
        "--only", action="append", metavar="TOPIC_OR_DATASET", help="ae, prison, ... or an id"
    )
    refresh.add_argument(
        "--dry-run", action="store_true", help="report what would change; swap nothing in"
    )
    refresh.add_argument("--base-url", help="a test server instead of the publishers' hosts")
    refresh.add_argument(
        "--sources",
        help="folder the downloads go to, laid out like the sources folder (default downloads/); "
        f"files no route replaces come from ${settings.SOURCES_ENV}",
    )
    refresh.add_argument(
        "--report", help="Markdown file to write (default: beside the snapshot; a dry run prints)"
    )
    refresh.set_defaults(run=_refresh)
    brief = commands.add_parser("brief", parents=[common], help="a briefing for one seat")
    brief.add_argument("--area", required=True, help="GSS code of one of the three seats")
    brief.add_argument("--format", choices=["md", "html", "docx"], default="md")
    brief.add_argument("--out", help="file to write (Markdown goes to stdout without it)")
    brief.add_argument(
        "--check",
        action="store_true",
        help="list each sentence with the facts it rests on (dataset, measure, area, period)",
    )
    brief.set_defaults(run=_brief)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
