"""Shared by the prison parsers: the explicit name -> NOMIS code table and strict CSV reading."""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

COUNTRY_CODE = "K04000001"  # England and Wales: HMPPS runs the prisons of both nations
COUNTRY_NAME = "England and Wales"

# Publisher names (lower-case, as printed in the files) -> NOMIS agency code. Every code is in
# prisons/reference/nomis-codes.tsv (GDS prison register, 2017), except Holloway, whose code HYI
# comes from the nomis_id column of RobinL's bulletin compilation. The same table serves the
# 2011-2016 bulletins (names without a nomis_id), the 2025-26 safety keys and the 2016 workforce
# table; an unknown name stops the parse rather than being guessed.
NOMIS_CODES: dict[str, str] = {
    "altcourse": "ACI",
    "ashfield": "ASI",
    "askham grange": "AGI",
    "aylesbury": "AYI",
    "bedford": "BFI",
    "belmarsh": "BAI",
    "berwyn": "BWI",
    "birmingham": "BMI",
    "blantyre house": "BHI",
    "brinsford": "BSI",
    "bristol": "BLI",
    "brixton": "BXI",
    "bronzefield": "BZI",
    "buckley hall": "BCI",
    "bullingdon": "BNI",
    "bure": "BRI",
    "cardiff": "CFI",
    "channings wood": "CWI",
    "chelmsford": "CDI",
    "coldingley": "CLI",
    "cookham wood": "CKI",
    "dartmoor": "DAI",
    "deerbolt": "DTI",
    "doncaster": "DNI",
    "dovegate": "DGI",
    "dover": "DVI",
    "dover (irc)": "DVI",
    "downview": "DWI",
    "drake hall": "DHI",
    "durham": "DMI",
    "east sutton park": "ESI",
    "eastwood park": "EWI",
    "elmley": "EYI",
    "elmley (sheppey)": "EYI",
    "erlestoke": "EEI",
    "exeter": "EXI",
    "featherstone": "FSI",
    "feltham": "FMI",
    "ford": "FDI",
    "forest bank": "FBI",
    "foston hall": "FHI",
    "frankland": "FKI",
    "full sutton": "FNI",
    "garth": "GHI",
    "gartree": "GTI",
    "glen parva": "GPI",
    # Table 12 of the 2016 workforce statistics lists Grendon alone (Spring Hill is run with it).
    "grendon": "GNI",
    "guys marsh": "GMI",
    "haslar": "HRI",
    "haslar (irc)": "HRI",
    "hatfield": "HDI",
    "haverigg": "HVI",
    "hewell": "HEI",
    "high down": "HOI",
    "highpoint": "HPI",
    "highpoint (north and south)": "HPI",
    "hindley": "HII",
    "hollesley bay": "HBI",
    "holloway": "HYI",
    "holme house": "HHI",
    "hull": "HLI",
    "humber": "HMI",
    "huntercombe": "HCI",
    "isis": "ISI",
    "isle of wight": "IWI",
    "kennet": "KTI",
    "kirkham": "KMI",
    "kirklevington grange": "KVI",
    "lancaster farms": "LFI",
    "leeds": "LEI",
    "leicester": "LCI",
    "lewes": "LWI",
    "leyhill": "LYI",
    "lincoln": "LII",
    "lindholme": "LHI",
    # The 2011-2016 bulletins label Lindholme "(IRC)", but its ~1,000 places and category C flag
    # are HMP Lindholme's, the establishment NOMIS code LHI names.
    "lindholme (irc)": "LHI",
    "littlehey": "LTI",
    "liverpool": "LPI",
    "long lartin": "LLI",
    "low newton": "LNI",
    "lowdham grange": "LGI",
    "maidstone": "MSI",
    "manchester": "MRI",
    "moorland": "MDI",
    "morton hall": "MHI",
    "morton hall (irc)": "MHI",
    "mount": "MTI",
    "the mount": "MTI",
    "new hall": "NHI",
    "north sea camp": "NSI",
    "northumberland": "NLI",
    "norwich": "NWI",
    "nottingham": "NMI",
    "oakwood": "OWI",
    "onley": "ONI",
    "parc": "PRI",
    "pentonville": "PVI",
    "peterborough (male)": "PBI",
    "peterborough (female)": "PFI",
    "portland": "PDI",
    "preston": "PNI",
    "ranby": "RNI",
    "risley": "RSI",
    "rochester": "RCI",
    "rye hill": "RHI",
    "send": "SDI",
    "stafford": "SFI",
    "standford hill": "EHI",
    "standford hill (sheppey)": "EHI",
    "stocken": "SKI",
    "stoke heath": "SHI",
    "styal": "STI",
    "sudbury": "SUI",
    "swaleside": "SLI",
    "swaleside (sheppey)": "SLI",
    "swansea": "SWI",
    "swinfen hall": "SNI",
    "thameside": "TSI",
    "the verne": "VEI",
    "verne (irc)": "VEI",
    "thorn cross": "TCI",
    "wakefield": "WDI",
    "wandsworth": "WWI",
    "warren hill": "WII",
    "wayland": "WLI",
    "wealstun": "WEI",
    "werrington": "WNI",
    "wetherby": "WYI",
    "whatton": "WTI",
    "whitemoor": "WRI",
    "winchester": "WCI",
    "woodhill": "WHI",
    "wormwood scrubs": "WSI",
    "wymott": "WMI",
}

_COMBINED = "several establishments reported together; no single NOMIS code"
_CLOSED = "closed before 2017; not in the NOMIS code list we hold"
_NEW = "opened after 2017; not in the NOMIS code list we hold"
# Names we knowingly leave out of prison-level observations, with the reason.
NOT_CODED: dict[str, str] = {
    "grendon / spring hill": _COMBINED,
    "usk / prescoed": _COMBINED,
    "usk/prescoed": _COMBINED,
    "shepton mallet / erlestoke": _COMBINED,
    "peterborough (male & female)": _COMBINED,
    "sheppey": _COMBINED,
    "ashwell": _CLOSED,
    "blundeston": _CLOSED,
    "bullwood hall": _CLOSED,
    "canterbury": _CLOSED,
    "castington": _CLOSED,
    "dorchester": _CLOSED,
    "edmunds hill": _CLOSED,
    "gloucester": _CLOSED,
    "kingston": _CLOSED,
    "lancaster": _CLOSED,
    "latchmere house": _CLOSED,
    "northallerton": _CLOSED,
    "reading": _CLOSED,
    "shepton mallet": _CLOSED,
    "shrewsbury": _CLOSED,
    "wellingborough": _CLOSED,
    "five wells": _NEW,
    "fosse way": _NEW,
    "millsike": _NEW,
}


def nomis_code(name: str, path: Path) -> str | None:
    """The NOMIS code for a publisher's prison name; None when knowingly left out; else raise."""
    key = " ".join(str(name).split()).lower()
    if key in NOMIS_CODES:
        return NOMIS_CODES[key]
    if key in NOT_CODED:
        return None
    raise ValueError(
        f"{path.name}: unknown prison name {name!r}; add it to NOMIS_CODES or NOT_CODED"
    )


def read_csv_exact(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """Read a CSV as text and insist on exactly these columns, naming the file on any surprise."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name}: not a readable CSV ({error})") from error
    if list(frame.columns) != list(columns):
        raise ValueError(
            f"{path.name}: expected columns {list(columns)}, found {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError(f"{path.name}: no data rows")
    return frame


def numbers(
    frame: pd.DataFrame, columns: Sequence[str], path: Path, *, blank_ok: bool = False
) -> pd.DataFrame:
    """Turn text columns into floats; any non-numeric cell raises naming the file and column.

    With ``blank_ok`` an empty cell becomes NaN (a figure the source does not give), never 0.
    """
    out = frame.copy()
    for column in columns:
        text = out[column].str.strip()
        converted = pd.to_numeric(text, errors="coerce")
        bad = text[converted.isna() & ~(blank_ok & (text == ""))]
        if not bad.empty:
            raise ValueError(f"{path.name}: non-numeric value {bad.iloc[0]!r} in column {column!r}")
        out[column] = converted.astype("float64")
    return out


def dates(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse ISO dates (YYYY-MM-DD), raising with the file name on anything else."""
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        raise ValueError(
            f"{path.name}: bad date {values[parsed.isna()].iloc[0]!r} in column {column!r}"
        )
    return parsed


def pct_of_cna(population: pd.Series, in_use_cna: pd.Series) -> pd.Series:
    """Population as a percentage of in-use CNA (crowding; over 100 means more than CNA)."""
    safe = in_use_cna.where(in_use_cna > 0)
    return (population / safe * 100).round(1)
