"""DWP Stat-Xplore Open Data API: table queries, a keyed POST, JSON cubes -> observations."""

import json
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import requests

from dashboard.core.fetch import USER_AGENT
from dashboard.core.observations import conform
from dashboard.topics.uc.sources import statxplore_areas as areas
from dashboard.topics.uc.sources import statxplore_common as common

BASE_URL = "https://stat-xplore.dwp.gov.uk"
TABLE_PATH = "/webapi/rest/v1/table"
KEY_ENV = "STATXPLORE_API_KEY"
# Header and content type as documented on Stat-Xplore's "Table Endpoint" help page
# (https://stat-xplore.dwp.gov.uk/webapi/online-help/Open-Data-API-Table.html).
KEY_HEADER = "APIKey"
NO_KEY_MESSAGE = (
    "no Stat-Xplore API key (set STATXPLORE_API_KEY or st.secrets); the snapshot is unchanged"
)
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120  # Stat-Xplore tabulates GB-wide cubes on request; tens of seconds is normal
RETRIES = 3
BACKOFF_S = 2.0  # doubles after each failed attempt
MAX_WAIT_S = 60.0  # cap on a server's Retry-After
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
KEY_REJECTED = frozenset({401, 403})
SOURCE_FILE = "Stat-Xplore Open Data API /table"
ERROR_EXCERPT_CHARS = 300
# Where Streamlit looks for secrets by default; st.secrets is only touched when one exists,
# because reading it without a file logs a warning and importing streamlit costs a second.
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
# The last part of a month's value id is YYYYMM ("...:C_UC_DATE:202505").
MONTH_CODE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})$")
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
# A field id ends with DATE_NAME for every Stat-Xplore monthly time field seen so far.
TIME_FIELD_SUFFIX = ":DATE_NAME"
NULL_STATUS = "no value returned by Stat-Xplore"


@dataclass(frozen=True)
class Counting:
    """One Stat-Xplore dataset counted once: where its fields live and what we call it."""

    database: str
    measure: str
    fields: str  # prefix of the fact table's field ids; a geography field id appends ":<id>"
    date_field: str
    date_value: str  # prefix of one month's value id; YYYYMM completes it
    measure_id: str  # our observations' measure


# Ids: this table and GEOGRAPHIES below, kept together so they are easy to correct. Stat-Xplore's
# own help page documents only the request shape and the id format (its example is PIP_Monthly);
# none of these UC ids is on a DWP page we could read, so "seen" below means used in public API
# clients that run against the live service, and "assumed" means best knowledge.
# - databases and measures: seen. UC_Households / V_F_UC_HOUSEHOLDS is the House of Commons
#   Library statxplorer README's example; UC_Monthly / V_F_UC_CASELOAD_FULL is in several clients;
#   both dataset names match Stat-Xplore's metadata pages (webapi/metadata/UC_Households.html).
# - people's month field F_UC_DATE:DATE_NAME (values C_UC_DATE:YYYYMM): seen.
# - households' month field F_UC_HH_DATE:DATE_NAME (values C_UC_HH_DATE:YYYYMM): seen in clients
#   written in 2025-26, one after schema discovery; 2019-21 queries used F_UC_DATE:DATE_NAME for
#   UC_Households too, so DWP seems to have renamed it. If the API answers 400 naming the field,
#   put the older id back here.
COUNTINGS = {
    "households": Counting(
        database="str:database:UC_Households",
        measure="str:count:UC_Households:V_F_UC_HOUSEHOLDS",
        fields="str:field:UC_Households:V_F_UC_HOUSEHOLDS",
        date_field="str:field:UC_Households:F_UC_HH_DATE:DATE_NAME",
        date_value="str:value:UC_Households:F_UC_HH_DATE:DATE_NAME:C_UC_HH_DATE:",
        measure_id="households_on_uc",
    ),
    "people": Counting(
        database="str:database:UC_Monthly",
        measure="str:count:UC_Monthly:V_F_UC_CASELOAD_FULL",
        fields="str:field:UC_Monthly:V_F_UC_CASELOAD_FULL",
        date_field="str:field:UC_Monthly:F_UC_DATE:DATE_NAME",
        date_value="str:value:UC_Monthly:F_UC_DATE:DATE_NAME:C_UC_DATE:",
        measure_id="people_on_uc",
    ),
}
MEASURE_IDS = {c.measure: c.measure_id for c in COUNTINGS.values()}


@dataclass(frozen=True)
class Geography:
    """A geography field of both UC datasets and the value set whose values end in GSS codes."""

    field: str
    value_set: str
    evidence: str


# area_type -> field. A value id is "str:value:<db>:<fact>:<field>:<value set>:<GSS code>".
GEOGRAPHIES = {
    "pcon2010": Geography(
        "PARLC_CODE",
        "V_C_MASTERGEOG11_PARLC_TO_REGION",
        "seen for UC_Monthly in a public client (value ...:E14001028); assumed for households",
    ),
    "pcon2024": Geography(
        "PCON24",
        "V_C_MASTERGEOG21_PARLC24_TO_REGION",
        "seen for UC_Monthly after a public client's schema discovery; the field id also appears "
        "in a public UC_Households query; the households value set is assumed to be the same",
    ),
    "ward": Geography(
        "WARD_CODE",
        "V_C_MASTERGEOG11_WARD_TO_LA",
        "seen for UC_Households in several public queries; assumed for people",
    ),
    "lad": Geography(
        "COA_CODE",  # the "National - Regional - LA - OAs" hierarchy
        "V_C_MASTERGEOG11_LA_TO_REGION",
        "field seen for both datasets in public clients; the LA value set is seen in other DWP "
        "datasets (ACC, NINo) and assumed for UC",
    ),
}
PCON2024_LOOKUP = Path("geography") / "lookups" / areas.PCON2024_LOOKUP


class StatXploreError(RuntimeError):
    pass


class _Retryable(Exception):
    pass


def _quiet(message: str) -> None:
    pass


def secrets_files() -> list[Path]:
    """Streamlit's default secrets locations: the user's, then the working folder's."""
    return [Path.home() / SECRETS_FILE, Path.cwd() / SECRETS_FILE]


def api_key() -> str | None:
    """The key from the environment, else from st.secrets when a secrets file exists."""
    key = os.environ.get(KEY_ENV, "").strip()
    if key:
        return key
    if not any(path.is_file() for path in secrets_files()):
        return None
    try:
        import streamlit as st

        key = str(st.secrets.get(KEY_ENV, "") or "").strip()
    except Exception:  # no streamlit, or an unreadable secrets file: treated as no key
        return None
    return key or None


def _month_code(month: str) -> str:
    """'2025-05' or '202505' -> '202505'."""
    code = month.replace("-", "")
    match = MONTH_CODE.match(code)
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise ValueError(f"month {month!r} is not YYYY-MM")
    return code


def field_id(measure: str, geography_field: str) -> str:
    return f"{COUNTINGS[measure].fields}:{GEOGRAPHIES[geography_field].field}"


def value_prefix(measure: str, geography_field: str) -> str:
    counting, geography = COUNTINGS[measure], GEOGRAPHIES[geography_field]
    fields = counting.fields.removeprefix("str:field:")
    return f"str:value:{fields}:{geography.field}:{geography.value_set}:"


def build_query(
    *,
    measure: str,
    geography_field: str,
    month_values: Sequence[str] = (),
    area_codes: Sequence[str] = (),
) -> dict:
    """The JSON body for POST /table: ``measure`` by ``geography_field`` by month.

    ``measure`` is a key of COUNTINGS, ``geography_field`` an area type of GEOGRAPHIES. Months
    ("YYYY-MM") and GSS area codes become recodes; without months every month is returned, and
    with area codes a Great Britain total is requested too.
    """
    if measure not in COUNTINGS:
        raise ValueError(f"measure {measure!r} is not one of {sorted(COUNTINGS)}")
    if geography_field not in GEOGRAPHIES:
        raise ValueError(f"geography {geography_field!r} is not one of {sorted(GEOGRAPHIES)}")
    counting = COUNTINGS[measure]
    geography = field_id(measure, geography_field)
    recodes: dict = {}
    if area_codes:
        prefix = value_prefix(measure, geography_field)
        recodes[geography] = {"map": [[prefix + code] for code in area_codes], "total": True}
    if month_values:
        months = [[counting.date_value + _month_code(m)] for m in month_values]
        recodes[counting.date_field] = {"map": months, "total": False}
    return {
        "database": counting.database,
        "measures": [counting.measure],
        "recodes": recodes,
        "dimensions": [[geography], [counting.date_field]],
    }


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "[API key]") if key else text


def _looks_like_html(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n").lower()
    return start.startswith(("<!doctype html", "<html", "<head", "<body"))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return min(float(value), MAX_WAIT_S) if value.strip().isdigit() else None


def _attempt(session, url: str, body: bytes, headers: dict, timeout, key: str) -> dict:
    try:
        response = session.post(url, data=body, headers=headers, timeout=timeout)
    except (requests.ConnectionError, requests.Timeout) as error:
        # from None: the chained exception adds nothing but noise to the message users see.
        raise _Retryable(f"cannot reach {url} ({type(error).__name__})") from None
    except requests.RequestException as error:
        raise StatXploreError(
            f"cannot send the request to {url} ({type(error).__name__})"
        ) from None
    with response:
        status = response.status_code
        if status in KEY_REJECTED:
            raise StatXploreError(
                f"Stat-Xplore rejected the API key (HTTP {status}); check {KEY_ENV} or st.secrets"
            )
        if status in RETRY_STATUSES:
            problem = _Retryable(f"HTTP {status} from {url}")
            problem.wait = _retry_after(response)
            raise problem
        text = response.text
        if _looks_like_html(text):
            raise StatXploreError(f"HTTP {status} from {url}: an HTML page, not a JSON table")
        if status != 200:
            excerpt = _scrub(text[:ERROR_EXCERPT_CHARS], key)
            raise StatXploreError(f"HTTP {status} from {url}: {excerpt}")
        try:
            table = json.loads(text)
        except ValueError:
            excerpt = _scrub(text[:40], key)
            raise StatXploreError(f"{url} answered with something not JSON: {excerpt!r}") from None
    if not isinstance(table, dict) or "cubes" not in table or "fields" not in table:
        raise StatXploreError(f"{url} answered with JSON that is not a Stat-Xplore table")
    return table


def fetch_table(
    query: dict,
    *,
    base_url: str = BASE_URL,
    key: str,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] | None = None,
    retries: int = RETRIES,
    backoff_s: float = BACKOFF_S,
    progress: Callable[[str], None] = _quiet,
) -> dict:
    """POST ``query`` to the Table endpoint; retries 429, 5xx and timeouts with back-off.

    The key travels only in the request header: no message, exception or log line carries it.
    """
    if not key:
        raise StatXploreError(NO_KEY_MESSAGE)
    session = session or requests.Session()
    url = base_url.rstrip("/") + TABLE_PATH
    body = json.dumps(query).encode("utf-8")
    headers = {
        KEY_HEADER: key,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    timeout = timeout or (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
    last_problem = ""
    for attempt in range(1, retries + 1):
        try:
            return _attempt(session, url, body, headers, timeout, key)
        except _Retryable as problem:
            last_problem = str(problem)
            if attempt < retries:
                wait = getattr(problem, "wait", None) or backoff_s * 2 ** (attempt - 1)
                progress(f"{last_problem}; retrying in {wait:.1f} s ({attempt}/{retries})")
                time.sleep(wait)
    raise StatXploreError(f"{last_problem} (gave up after {retries} attempts)")


def _month(item: dict) -> tuple[pd.Timestamp, pd.Timestamp, str | None]:
    """A month item -> first day, last day, status from its label's (p)/(r) marker."""
    label = str((item.get("labels") or [""])[0]).strip()
    uris = item.get("uris") or []
    match = common.MONTH_LABEL.match(label)
    marker = match["marker"] if match else None
    code = MONTH_CODE.match(str(uris[0]).rsplit(":", 1)[-1]) if uris else None
    if code is not None:
        start = pd.Timestamp(int(code["year"]), int(code["month"]), 1)
    elif match is not None:
        start = pd.to_datetime(match["month"], format="%B %Y")
    else:
        raise StatXploreError(f"month item {label!r} has neither a YYYYMM id nor a month label")
    if marker is not None and marker not in common.LABEL_MARKERS:
        raise StatXploreError(f"unknown marker ({marker}) on month {label!r}")
    return start, start + pd.offsets.MonthEnd(0), common.LABEL_MARKERS.get(marker)


def _cell(value) -> tuple[float, str | None]:
    if value is None:
        return math.nan, NULL_STATUS
    if isinstance(value, str):
        if value.strip() in common.CELL_SYMBOLS:
            return math.nan, common.CELL_SYMBOLS[value.strip()]
        raise StatXploreError(f"cell {value!r} is neither a number nor a Stat-Xplore symbol")
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise StatXploreError(f"cell {value!r} is not a count")
    return float(value), None


def _places(items: list[dict], area_type: str, code_for_label) -> list[tuple | None]:
    """One (area_type, code, name) per item; None for Unknown. Fails listing unmatched names."""
    places: list[tuple | None] = []
    unmatched, disagree = [], []
    for item in items:
        label = str((item.get("labels") or [""])[0]).strip()
        if label == areas.UNKNOWN:
            places.append(None)
            continue
        if label == areas.TOTAL:
            places.append(areas.GREAT_BRITAIN)
            continue
        code = code_for_label(label)
        if code is None:
            unmatched.append(label)
        # The value id ends with the GSS code Stat-Xplore itself uses: it must agree.
        uris = item.get("uris") or []
        from_id = str(uris[0]).rsplit(":", 1)[-1] if uris else ""
        if code is not None and GSS_CODE.match(from_id) and from_id != code:
            disagree.append(f"{label!r} is {code} by name but {from_id} in Stat-Xplore's id")
        places.append((area_type, code, label))
    if unmatched:
        listed = ", ".join(repr(n) for n in unmatched[:10])
        raise ValueError(f"{len(unmatched)} {area_type} name(s) match no code list: {listed}")
    if disagree:
        raise ValueError("; ".join(disagree[:5]))
    return places


def cube_to_observations(
    response_json: dict,
    *,
    dataset: str,
    area_type: str,
    code_for_label: Callable[[str], str | None],
) -> pd.DataFrame:
    """A /table response (geography by month) -> observations.

    Reads the documented shape: ``fields`` (each with ``items`` holding ``labels`` and ``uris``)
    in the order of the query's dimensions, and ``cubes`` mapping each measure id to nested
    ``values``. "Total" becomes Great Britain (K03000001); "Unknown" is left out; ``..`` and null
    cells become NaN with a status, never 0.
    """
    try:
        fields, cubes = response_json["fields"], response_json["cubes"]
    except (KeyError, TypeError):
        raise StatXploreError("not a Stat-Xplore table: no 'fields' and 'cubes'") from None
    time_at = [i for i, f in enumerate(fields) if str(f.get("uri", "")).endswith(TIME_FIELD_SUFFIX)]
    if len(fields) != 2 or len(time_at) != 1:
        uris = [f.get("uri") for f in fields]
        raise StatXploreError(f"expected one geography and one month field, got {uris}")
    time_index = time_at[0]
    month_items = fields[time_index]["items"]
    place_items = fields[1 - time_index]["items"]
    months = [_month(item) for item in month_items]
    places = _places(place_items, area_type, code_for_label)

    rows = []
    for measure_uri, cube in cubes.items():
        if measure_uri not in MEASURE_IDS:
            raise StatXploreError(f"unknown measure {measure_uri!r}")
        values = cube["values"]
        outer, inner = (months, places) if time_index == 0 else (places, months)
        if len(values) != len(outer) or any(len(row) != len(inner) for row in values):
            raise StatXploreError(f"{measure_uri}: values do not match the fields' items")
        for i, row in enumerate(values):
            for j, raw in enumerate(row):
                place_at, month_at = (j, i) if time_index == 0 else (i, j)
                place = places[place_at]
                if place is None:
                    continue
                start, end, month_status = months[month_at]
                value, cell_status = _cell(raw)
                status = "; ".join(s for s in (month_status, cell_status) if s) or None
                rows.append((MEASURE_IDS[measure_uri], *place, start, end, value, status))
    frame = pd.DataFrame(
        rows,
        columns=[
            "measure",
            "area_type",
            "area_code",
            "area_name",
            "period_start",
            "period_end",
            "value",
            "status",
        ],
    )
    frame.insert(0, "dataset", dataset)
    frame["unit"] = "count"
    frame["status"] = frame["status"].astype("string")
    frame["source_file"] = SOURCE_FILE
    return conform(frame)


def label_resolver(area_type: str, lookups: areas.Lookups) -> Callable[[str], str | None]:
    """Name -> GSS code through the code lists the export parsers use, matched the same way.

    Looks names up in statxplore_areas' indexes directly rather than through ``resolve``, which
    builds a table per call: a GB-wide cube has about a thousand names.
    """
    if area_type == "pcon2024":
        if not lookups.pcon2024:
            raise ValueError(f"constituency names need {PCON2024_LOOKUP} from the sources folder")

        def pcon2024(label: str) -> str | None:
            hit = lookups.pcon2024.get(areas.normalise(label))
            return hit[0] if hit else None

        return pcon2024
    if area_type == "lad":

        def lad(label: str) -> str | None:
            # Welsh authorities are printed "Cardiff / Caerdydd": the English name is the key.
            english = label.split(areas.BILINGUAL_SEPARATOR)[0]
            return areas.LAD_INDEX.get(areas.normalise(english))

        return lad
    raise ValueError(f"no name-to-code list for {area_type!r} yet; have pcon2024 and lad")


def area_codes(area_type: str, lookups: areas.Lookups) -> list[str]:
    """The GB codes to ask for: DWP's UC statistics cover Great Britain, not Northern Ireland."""
    if area_type == "pcon2024":
        codes = [code for code, _ in lookups.pcon2024.values()]
    elif area_type == "lad":
        codes = list(areas.LA_CODES.values())
    else:
        raise ValueError(f"no code list for {area_type!r}")
    return sorted(c for c in codes if c[0] in "EWS")


def dataset_id(measure: str, area_type: str) -> str:
    return f"dwp_uc_{measure}_{area_type}_api"


@dataclass(frozen=True)
class Refresh:
    message: str
    observations: pd.DataFrame | None = None


def refresh(
    *,
    measure: str = "households",
    area_types: Sequence[str] = ("pcon2024", "lad"),
    months: Sequence[str] = (),
    sources: Path | None = None,
    key: str | None = None,
    base_url: str = BASE_URL,
    session: requests.Session | None = None,
    progress: Callable[[str], None] = _quiet,
    **fetch_options,
) -> Refresh:
    """Query the API for ``measure`` by each area type; without a key, say so and do nothing."""
    key = key or api_key()
    if not key:
        progress(NO_KEY_MESSAGE)
        return Refresh(NO_KEY_MESSAGE)
    lookup_files = [Path(sources) / PCON2024_LOOKUP] if sources else []
    lookups = areas.load_lookups([p for p in lookup_files if p.is_file()])
    session = session or requests.Session()
    frames = []
    for area_type in area_types:
        resolve = label_resolver(area_type, lookups)
        query = build_query(
            measure=measure,
            geography_field=area_type,
            month_values=months,
            area_codes=area_codes(area_type, lookups),
        )
        progress(f"Stat-Xplore: {measure} by {area_type}")
        table = fetch_table(
            query, base_url=base_url, key=key, session=session, progress=progress, **fetch_options
        )
        frames.append(
            cube_to_observations(
                table,
                dataset=dataset_id(measure, area_type),
                area_type=area_type,
                code_for_label=resolve,
            )
        )
    observations = conform(pd.concat(frames, ignore_index=True))
    return Refresh(f"{len(observations)} observations from the Stat-Xplore API", observations)
