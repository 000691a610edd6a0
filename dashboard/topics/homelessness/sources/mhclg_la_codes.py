"""Retired English local authority codes in MHCLG homelessness tables, and who covers them now."""

import pandas as pd

from dashboard.core.observations import ENGLAND

# Old GSS code -> the code of the authority that covers that area in 2025. MHCLG publishes each
# period under the codes in force then; we keep those and add this as `current_area_code` so
# a series can be followed across a reorganisation (the values of merged authorities are NOT
# comparable with their predecessors': the area is bigger).
SUCCESSOR_CODES = {
    # April 2019: Dorset, Somerset and Suffolk reorganisations
    "E06000028": "E06000058",  # Bournemouth -> Bournemouth, Christchurch and Poole
    "E06000029": "E06000058",  # Poole
    "E07000048": "E06000058",  # Christchurch
    "E07000049": "E06000059",  # East Dorset -> Dorset
    "E07000050": "E06000059",  # North Dorset
    "E07000051": "E06000059",  # Purbeck
    "E07000052": "E06000059",  # West Dorset
    "E07000053": "E06000059",  # Weymouth and Portland
    "E07000190": "E06000066",  # Taunton Deane -> Somerset West and Taunton (2019) -> Somerset
    "E07000191": "E06000066",  # West Somerset -> Somerset West and Taunton (2019) -> Somerset
    "E07000201": "E07000245",  # Forest Heath -> West Suffolk
    "E07000204": "E07000245",  # St Edmundsbury
    "E07000205": "E07000244",  # Suffolk Coastal -> East Suffolk
    "E07000206": "E07000244",  # Waveney
    # April 2020: Buckinghamshire
    "E07000004": "E06000060",  # Aylesbury Vale
    "E07000005": "E06000060",  # Chiltern
    "E07000006": "E06000060",  # South Bucks
    "E07000007": "E06000060",  # Wycombe
    # April 2021: Northamptonshire
    "E07000150": "E06000061",  # Corby -> North Northamptonshire
    "E07000152": "E06000061",  # East Northamptonshire
    "E07000153": "E06000061",  # Kettering
    "E07000156": "E06000061",  # Wellingborough
    "E07000151": "E06000062",  # Daventry -> West Northamptonshire
    "E07000154": "E06000062",  # Northampton
    "E07000155": "E06000062",  # South Northamptonshire
    # April 2023: Cumbria, North Yorkshire, Somerset
    "E07000026": "E06000063",  # Allerdale -> Cumberland
    "E07000028": "E06000063",  # Carlisle
    "E07000029": "E06000063",  # Copeland
    "E07000027": "E06000064",  # Barrow-in-Furness -> Westmorland and Furness
    "E07000030": "E06000064",  # Eden
    "E07000031": "E06000064",  # South Lakeland
    "E07000163": "E06000065",  # Craven -> North Yorkshire
    "E07000164": "E06000065",  # Hambleton
    "E07000165": "E06000065",  # Harrogate
    "E07000166": "E06000065",  # Richmondshire
    "E07000167": "E06000065",  # Ryedale
    "E07000168": "E06000065",  # Scarborough
    "E07000169": "E06000065",  # Selby
    "E07000187": "E06000066",  # Mendip -> Somerset
    "E07000188": "E06000066",  # Sedgemoor
    "E07000189": "E06000066",  # South Somerset
    "E07000246": "E06000066",  # Somerset West and Taunton
    # April 2024 minor boundary change, new codes used by MHCLG from April-June 2025: the same
    # councils, so these series do continue.
    "E08000016": "E08000038",  # Barnsley
    "E08000019": "E08000039",  # Sheffield
}


def area_type(code: str) -> str:
    """The contract's area type for a GSS code in these tables (England, region or authority)."""
    if code == ENGLAND:
        return "country"
    if code.startswith("E12"):
        return "region"
    return "lad"


def current_codes(codes: pd.Series) -> pd.Series:
    return codes.map(lambda code: SUCCESSOR_CODES.get(code, code)).astype("string")
