"""How the schools publications are refreshed (see dashboard.core.routes)."""

from dashboard.core.routes import GovUkDocument, NoRoute
from dashboard.topics.schools.live import EesDataSet, GiasEstablishments

KS4 = "Key stage 4 performance"
KS2 = "Key stage 2 attainment"
ABSENCE = "Pupil absence in schools in England"
FIXED_EDITION = "one fixed edition of the performance tables download, kept as published"
COMPILED = "a third-party compilation that is not updated"

ROUTES = {
    "dfe_census_2018_19": EesDataSet(
        "Schools, pupils and their characteristics", "school level", "schools/ees_census"
    ),
    "dfe_absence_2018_19": EesDataSet(ABSENCE, "school level", "schools/ees_absence"),
    "dfe_ks4_provisional_2018_19": EesDataSet(KS4, "school level", "schools/ees_ks4"),
    "dfe_ks4_destinations_2018_19": NoRoute(FIXED_EDITION),
    "dfe_ks_headlines_2016_2018": NoRoute(COMPILED),
    "dfe_school_spine_2017_18": NoRoute(FIXED_EDITION),
    "ofsted_inspections_compiled": GovUkDocument(
        "/government/statistical-data-sets/monthly-management-information-ofsteds-school-"
        "inspections-outcomes",
        "state-funded schools",
        "schools/ofsted_mi",
    ),
    "ofsted_ratings_kspdeveloper": NoRoute(COMPILED + " (cross-check only)"),
    "hocl_constituency_attainment": NoRoute(
        "the House of Commons Library publishes it as a dashboard, with no stable file URL"
    ),
    "dfe_ks2_final_la": EesDataSet(KS2, "local authority", "schools/ees_ks2"),
    "dfe_ks4_final_la": EesDataSet(KS4, "local authority", "schools/ees_ks4"),
    "dfe_gias": GiasEstablishments("schools/gias"),
    "dfe_ks4_final_2022_23": NoRoute(
        "a hand transcription of eight rows of a third party's copy, not DfE's file: DfE's "
        "results come through the key stage 4 route of the other KS4 records"
    ),
    "dfe_ks4_school_info_2023_24": NoRoute(
        "the Explore Education Statistics data set id of this school information file is not "
        "known here (the mirror holds a third party's download, renamed), so none is guessed"
    ),
}
