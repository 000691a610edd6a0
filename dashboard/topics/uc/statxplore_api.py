"""DWP Stat-Xplore Open Data API: table queries, a keyed POST, JSON cubes -> observations."""

import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core import http
from dashboard.core.observations import conform
from dashboard.topics.uc.sources import statxplore_api_csv as api_csv
from dashboard.topics.uc.sources import statxplore_areas as areas
from dashboard.topics.uc.sources import statxplore_common as common

BASE_URL = "https://stat-xplore.dwp.gov.uk"
TABLE_PATH = "/webapi/rest/v1/table"
KEY_ENV = "STATXPLORE_API_KEY"
# Header and content type as documented on Stat-Xplore's "Table Endpoint" help page
# (https://stat-xplore.dwp.gov.uk/webapi/online-help/Open-Data-API-Table.html).
KEY_HEADER = "APIKey"
assert KEY_HEADER.lower() in http.SECRET_HEADERS  # never followed to another host
NO_KEY_MESSAGE = (
    "no Stat-Xplore API key (set STATXPLORE_API_KEY or st.secrets); the snapshot is unchanged"
)
RETRIES = 3  # attempts in all
BACKOFF_S = 2.0
# Stat-Xplore tabulates GB-wide cubes on request: tens of seconds before the first byte is normal.
TIMEOUT_S = (http.CONNECT_TIMEOUT_S, 120)
# A month of every constituency is about 100 kB; ten years of every council a few MB.
MAX_TABLE_BYTES = 50 * http.MB
KEY_REJECTED = frozenset({401, 403})
SOURCE_FILE = "Stat-Xplore Open Data API /table"
ERROR_EXCERPT_CHARS = 300
# Where Streamlit looks for secrets by default; st.secrets is only touched when one exists,
# because reading it without a file logs a warning and importing streamlit costs a second.
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
# The last part of a month's value id is YYYYMM ("...:C_UC_HH_DATE:202505").
MONTH_CODE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})$")
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
# A field id ends with DATE_NAME for every Stat-Xplore monthly time field recorded
# (F_UC_DATE, F_UC_HH_DATE, F_HB_NEW_DATE:NEW_DATE_NAME).
TIME_FIELD_SUFFIX = "DATE_NAME"
# Annotation keys on items (their text is in the response's annotationMap): "p" and "r" are the
# recorded markers of provisional and revised months; the others are footnotes, not statuses.
ANNOTATION_STATUS = {"p": "provisional", "r": "revised"}


@dataclass(frozen=True)
class Counting:
    """One Stat-Xplore dataset counted once: where its fields live and what we call it."""

    database: str
    measure: str
    fields: str  # prefix of the fact table's field ids; a geography field id appends ":<id>"
    date_field: str
    date_value: str  # prefix of one month's value id; YYYYMM completes it
    measure_id: str  # our observations' measure
    evidence: str


# Ids checked against the recorded responses in <sources>/recorded/statxplore/ (PROVENANCE.md
# there); tests/test_statxplore_api.py asserts each "recorded" claim against those files.
COUNTINGS = {
    "households": Counting(
        database="str:database:UC_Households",
        measure="str:count:UC_Households:V_F_UC_HOUSEHOLDS",
        fields="str:field:UC_Households:V_F_UC_HOUSEHOLDS",
        # F_UC_DATE until at least 2019 (recorded in March 2019), F_UC_HH_DATE by September 2025.
        date_field="str:field:UC_Households:F_UC_HH_DATE:DATE_NAME",
        date_value="str:value:UC_Households:F_UC_HH_DATE:DATE_NAME:C_UC_HH_DATE:",
        measure_id="households_on_uc",
        evidence="database, count and month field in the recorded /schema of UC_Households "
        "(September 2025); month value ids in the recorded /table of the same month",
    ),
    "people": Counting(
        database="str:database:UC_Monthly",
        measure="str:count:UC_Monthly:V_F_UC_CASELOAD_FULL",
        fields="str:field:UC_Monthly:V_F_UC_CASELOAD_FULL",
        date_field="str:field:UC_Monthly:F_UC_DATE:DATE_NAME",
        date_value="str:value:UC_Monthly:F_UC_DATE:DATE_NAME:C_UC_DATE:",
        measure_id="people_on_uc",
        evidence="not recorded: nothing of UC_Monthly is in the recordings; ids from public "
        "API clients only",
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
# The recorded UC_Households schema lists the group "Geography (residence-based)" but not its
# fields; hb_new's recorded group (September 2025) lists COA_CODE, WARD_CODE, PCON24 and
# PARLC_CODE, DWP's one geography hierarchy that UC_Households' 2019 recording also uses
# (COA_CODE with V_C_MASTERGEOG11_REGION_TO_COUNTRY).
GEOGRAPHIES = {
    "pcon2010": Geography(
        "PARLC_CODE",
        "V_C_MASTERGEOG11_PARLC_TO_REGION",
        "field and value set recorded for hb_new (2019 /table of 635 constituencies); field "
        "recorded in hb_new's 2025 geography group; not recorded for UC",
    ),
    "pcon2024": Geography(
        "PCON24",
        "V_C_MASTERGEOG21_PARLC24_TO_REGION",
        "field recorded in hb_new's 2025 geography group; the value set is not recorded "
        "anywhere (public API clients only); nothing recorded for UC",
    ),
    "ward": Geography(
        "WARD_CODE",
        "V_C_MASTERGEOG11_WARD_TO_LA",
        "field recorded in hb_new's 2025 geography group; value set not recorded",
    ),
    "lad": Geography(
        "COA_CODE",  # the "National - Regional - LA - OAs" hierarchy
        "V_C_MASTERGEOG11_LA_TO_REGION",
        "field recorded for UC_Households (2019 /table); this value set recorded in hb_new's "
        "2025 /schema of COA_CODE",
    ),
    # 2011 MSOAs (MASTERGEOG11), the set of the names-to-codes list and of our estimate's weights.
    "msoa": Geography(
        "COA_CODE",
        "V_C_MASTERGEOG11_MSOA_TO_LA",
        "field recorded for UC_Households (2019 /table); this value set recorded in hb_new's "
        "2025 /schema of COA_CODE; not recorded for UC",
    ),
}
PCON2024_LOOKUP = Path("geography") / "lookups" / areas.PCON2024_LOOKUP
# The only MSOA names-to-codes list in the sources: Nottingham's 38 (2011) MSOAs.
MSOA_LOOKUP = Path("geography") / "boundaries_martinjc_2013" / "msoa_by_lad_E06000018.json"


class StatXploreError(http.FetchError):
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
    geography_field: str | None,
    month_values: Sequence[str] = (),
    area_codes: Sequence[str] = (),
) -> dict:
    """The JSON body for POST /table: ``measure`` by ``geography_field`` (None: Great Britain)
    by month.

    ``measure`` is a key of COUNTINGS, ``geography_field`` an area type of GEOGRAPHIES. Months
    ("YYYY-MM") and GSS area codes become recodes; without months every month is returned.
    No total is asked for: Stat-Xplore's "total" sums only the requested items, so a Great
    Britain figure comes from the query without a geography (the recorded one).
    """
    if measure not in COUNTINGS:
        raise ValueError(f"measure {measure!r} is not one of {sorted(COUNTINGS)}")
    if geography_field is not None and geography_field not in GEOGRAPHIES:
        raise ValueError(f"geography {geography_field!r} is not one of {sorted(GEOGRAPHIES)}")
    counting = COUNTINGS[measure]
    recodes: dict = {}
    dimensions = [[counting.date_field]]
    if geography_field is not None:
        geography = field_id(measure, geography_field)
        dimensions.insert(0, [geography])
        if area_codes:
            prefix = value_prefix(measure, geography_field)
            recodes[geography] = {"map": [[prefix + code] for code in area_codes], "total": False}
    if month_values:
        months = [[counting.date_value + _month_code(m)] for m in month_values]
        recodes[counting.date_field] = {"map": months, "total": False}
    query = {"database": counting.database, "measures": [counting.measure]}
    if recodes:
        query["recodes"] = recodes
    return {**query, "dimensions": dimensions}


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "[API key]") if key else text


def new_session(*, retries: int = RETRIES, backoff_s: float = BACKOFF_S) -> http.Session:
    # A /table POST only reads: retrying it is safe, so POST joins the retried methods.
    return http.Session(attempts=retries, backoff_s=backoff_s, methods=("GET", "POST"))


def fetch_table(
    query: dict,
    *,
    base_url: str = BASE_URL,
    key: str,
    session: http.Session | None = None,
    timeout: tuple[float, float] | None = None,
    retries: int = RETRIES,
    backoff_s: float = BACKOFF_S,
    progress: Callable[[str], None] = _quiet,
) -> dict:
    """POST ``query`` to the Table endpoint through the one HTTP layer (its retry policy,
    Retry-After, gzip, size cap). The key travels only in the request header, never to another
    host, and no message, exception or log line carries it.
    """
    if not key:
        raise StatXploreError(NO_KEY_MESSAGE)
    session = session or new_session(retries=retries, backoff_s=backoff_s)
    url = base_url.rstrip("/") + TABLE_PATH
    headers = {KEY_HEADER: key, "Content-Type": "application/json", "Accept": "application/json"}
    try:
        done, body = http.call(
            session,
            "POST",
            url,
            data=json.dumps(query).encode("utf-8"),
            headers=headers,
            max_bytes=MAX_TABLE_BYTES,
            timeout=timeout or TIMEOUT_S,
            progress=progress,
        )
    except http.FetchError as error:
        raise StatXploreError(_scrub(str(error), key)) from None
    status = done.status
    if status in KEY_REJECTED:
        raise StatXploreError(
            f"Stat-Xplore rejected the API key (HTTP {status}); check {KEY_ENV} or st.secrets"
        )
    text = body.decode("utf-8", errors="replace")
    if http.looks_like_html(body[:512]):
        raise StatXploreError(f"HTTP {status} from {url}: an HTML page, not a JSON table")
    if status != 200:
        excerpt = " ".join(_scrub(text[:ERROR_EXCERPT_CHARS], key).split())
        raise StatXploreError(f"HTTP {status} from {url}: {excerpt}")
    try:
        table = json.loads(text)
    except ValueError:
        excerpt = _scrub(text[:40], key)
        raise StatXploreError(f"{url} answered with something not JSON: {excerpt!r}") from None
    if not isinstance(table, dict) or "cubes" not in table or "fields" not in table:
        raise StatXploreError(f"{url} answered with JSON that is not a Stat-Xplore table")
    return table


def cells(table: dict) -> Iterator[tuple[str, tuple[dict, ...], object]]:
    """Every cell of a /table response: (measure id, one item per field, raw value).

    ``fields`` come in the order of the query's dimensions and ``values`` nest one list level
    per field, so the item of field k is ``fields[k]["items"][i_k]``; each measure has a cube.
    """
    try:
        fields, cubes = table["fields"], table["cubes"]
        items = [field["items"] for field in fields]
    except (KeyError, TypeError):
        raise StatXploreError(
            "not a Stat-Xplore table: no 'fields' with items and 'cubes'"
        ) from None
    for measure, cube in cubes.items():
        values = cube.get("values") if isinstance(cube, dict) else None
        for index in itertools.product(*(range(len(i)) for i in items)):
            value = values
            try:
                for i in index:
                    value = value[i]
            except (IndexError, TypeError):
                raise StatXploreError(
                    f"{measure}: values do not match the fields' items at {list(index)}"
                ) from None
            if isinstance(value, list):
                raise StatXploreError(f"{measure}: values nest deeper than the fields")
            yield measure, tuple(items[k][i] for k, i in enumerate(index)), value


def item_status(item: dict, annotation_map: dict) -> str | None:
    """Provisional or revised, from an item's annotation keys (or its label's marker)."""
    keys = [k for k in item.get("annotationKeys") or [] if k in ANNOTATION_STATUS]
    unknown = [k for k in item.get("annotationKeys") or [] if k not in annotation_map]
    if unknown:
        raise StatXploreError(f"annotation key(s) {unknown} are not in the annotationMap")
    label = str((item.get("labels") or [""])[0]).strip()
    match = common.MONTH_LABEL.match(label)
    if match and match["marker"]:  # the CSV exports' "May 2025 (p)"
        keys.append(match["marker"])
    statuses = [
        ANNOTATION_STATUS.get(k) or common.LABEL_MARKERS.get(k) for k in dict.fromkeys(keys)
    ]
    if None in statuses:
        raise StatXploreError(f"unknown marker on {label!r}")
    return "; ".join(statuses) or None


def _month(item: dict, annotation_map: dict) -> tuple[pd.Timestamp, pd.Timestamp, str | None]:
    """A month item -> first day, last day, status from its annotations."""
    label = str((item.get("labels") or [""])[0]).strip()
    uris = item.get("uris") or []
    code = MONTH_CODE.match(str(uris[0]).rsplit(":", 1)[-1]) if len(uris) == 1 else None
    match = common.MONTH_LABEL.match(label)
    if code is not None:
        start = pd.Timestamp(int(code["year"]), int(code["month"]), 1)
    elif match is not None:
        start = pd.to_datetime(match["month"], format="%B %Y")
    else:
        raise StatXploreError(f"month item {label!r} has neither a YYYYMM id nor a month label")
    return start, start + pd.offsets.MonthEnd(0), item_status(item, annotation_map)


def _cell(value) -> tuple[float, str | None]:
    if value is None:
        return math.nan, common.NULL_STATUS
    if isinstance(value, str):
        if value.strip() in common.CELL_SYMBOLS:
            return math.nan, common.CELL_SYMBOLS[value.strip()]
        raise StatXploreError(f"cell {value!r} is neither a number nor a Stat-Xplore symbol")
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise StatXploreError(f"cell {value!r} is not a count")
    return float(value), None


def _place(item: dict, area_type: str, code_for_label) -> tuple | None:
    """(area_type, code, name) of a geography item; None for one that is not an area
    (Stat-Xplore's "Unknown" and "Abroad", whose ids end in ZZXXXXXXX and XXZZZZZZZ)."""
    label = str((item.get("labels") or [""])[0]).strip()
    uris = item.get("uris") or []
    from_id = str(uris[0]).rsplit(":", 1)[-1] if len(uris) == 1 else ""
    if label == areas.UNKNOWN or (from_id and not GSS_CODE.match(from_id)):
        return None
    by_name = code_for_label(label)
    if from_id and by_name is not None and by_name != from_id:
        raise ValueError(f"{label!r} is {by_name} by name but {from_id} in Stat-Xplore's id")
    code = from_id or by_name
    if code is None:
        raise ValueError(f"{area_type} name {label!r} matches no code list")
    return (area_type, code, label)


def cube_to_observations(
    response_json: dict,
    *,
    dataset: str,
    area_type: str,
    code_for_label: Callable[[str], str | None] = lambda label: None,
    measure_ids: dict[str, str] = MEASURE_IDS,
) -> pd.DataFrame:
    """A /table response (month, or geography by month) -> observations.

    Without a geography field the figures are Great Britain's (K03000001). Geography items are
    coded from their value id (which ends in the GSS code), checked against ``code_for_label``.
    "Total" items are left out: Stat-Xplore's total sums only the requested items, and with
    disclosure control not even exactly (recorded 2019: items summing to 50,007, total 50,001).
    "Unknown" and "Abroad" are left out. ``..`` and null cells become NaN with a status, never
    0; months marked provisional or revised keep that as their status.
    """
    fields = response_json.get("fields") if isinstance(response_json, dict) else None
    if not isinstance(fields, list) or "cubes" not in response_json:
        raise StatXploreError("not a Stat-Xplore table: no 'fields' and 'cubes'")
    uris = [str(f.get("uri", "")) for f in fields]
    time_at = [i for i, uri in enumerate(uris) if uri.endswith(TIME_FIELD_SUFFIX)]
    if len(time_at) != 1 or len(fields) > 2:
        raise StatXploreError(f"expected a month field and at most one geography field: {uris}")
    time_index = time_at[0]
    annotation_map = response_json.get("annotationMap") or {}
    rows = []
    for measure_uri, items, raw in cells(response_json):
        if measure_uri not in measure_ids:
            raise StatXploreError(f"unknown measure {measure_uri!r}")
        if any(item.get("type") == "Total" for item in items):
            continue
        if len(items) == 1:
            place = areas.GREAT_BRITAIN
        else:
            place = _place(items[1 - time_index], area_type, code_for_label)
            if place is None:
                continue
        start, end, month_status = _month(items[time_index], annotation_map)
        value, cell_status = _cell(raw)
        status = "; ".join(s for s in (month_status, cell_status) if s) or None
        rows.append((measure_ids[measure_uri], *place, start, end, value, "count", status))
    frame = pd.DataFrame(rows, columns=list(api_csv.COLUMNS))
    frame.insert(0, "dataset", dataset)
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
    if area_type == "msoa":
        if not lookups.msoa:
            raise ValueError(f"MSOA names need {MSOA_LOOKUP} from the sources folder")

        def msoa(label: str) -> str | None:
            return lookups.msoa.get(areas.normalise(label))

        return msoa
    raise ValueError(f"no name-to-code list for {area_type!r} yet; have pcon2024, lad and msoa")


def area_codes(area_type: str, lookups: areas.Lookups) -> list[str]:
    """The GB codes to ask for: DWP's UC statistics cover Great Britain, not Northern Ireland."""
    if area_type == "pcon2024":
        codes = [code for code, _ in lookups.pcon2024.values()]
    elif area_type == "lad":
        codes = list(areas.LA_CODES.values())
    elif area_type == "msoa":
        codes = list(lookups.msoa.values())  # Nottingham's: the only MSOA list held
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
    session: http.Session | None = None,
    progress: Callable[[str], None] = _quiet,
    **fetch_options,
) -> Refresh:
    """Query the API for ``measure`` in Great Britain and by each area type, monthly; without
    a key, say so and do nothing."""
    key = key or api_key()
    if not key:
        progress(NO_KEY_MESSAGE)
        return Refresh(NO_KEY_MESSAGE)
    lookup_files = [Path(sources) / p for p in (PCON2024_LOOKUP, MSOA_LOOKUP)] if sources else []
    lookups = areas.load_lookups([p for p in lookup_files if p.is_file()])
    session = session or new_session(
        retries=fetch_options.pop("retries", RETRIES),
        backoff_s=fetch_options.pop("backoff_s", BACKOFF_S),
    )
    frames = []
    for area_type in (None, *area_types):
        resolve = label_resolver(area_type, lookups) if area_type else (lambda label: None)
        query = build_query(
            measure=measure,
            geography_field=area_type,
            month_values=months,
            area_codes=area_codes(area_type, lookups) if area_type else (),
        )
        progress(f"Stat-Xplore: {measure} by {area_type or 'month, Great Britain'}")
        table = fetch_table(
            query, base_url=base_url, key=key, session=session, progress=progress, **fetch_options
        )
        frames.append(
            cube_to_observations(
                table,
                dataset=dataset_id(measure, area_type or "gb"),
                area_type=area_type or "country",
                code_for_label=resolve,
            )
        )
    observations = conform(pd.concat(frames, ignore_index=True))
    return Refresh(f"{len(observations)} observations from the Stat-Xplore API", observations)
