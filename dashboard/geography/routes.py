"""How the geography publications are refreshed (see dashboard.core.routes)."""

from dashboard.core.routes import FixedUrl, NoRoute

COMPILATION_2013 = "a fixed 2013 vintage converted by a third party; nothing newer to fetch"

ROUTES = {
    "ons_pcon_boundaries": FixedUrl("ONS Open Geography Portal, ArcGIS FeatureServer f=geojson"),
    "ons_local_boundaries_2013": NoRoute(COMPILATION_2013),
    "ons_lad_boundaries_2013": NoRoute(COMPILATION_2013),
    "pcon_overlap_2010_2024": NoRoute("a one-off mySociety compilation for one boundary review"),
    "ons_pcon_population": NoRoute(
        "ONS's constituency estimates move to a new file URL each release and our copy is Open "
        "Innovations' compilation; a Nomis API query would need a parser for its layout"
    ),
    "os_codepoint_open": NoRoute(
        "OS Data Hub serves one GB-wide zip; unpacking the NG area from it is not built"
    ),
    "named_sites": NoRoute("derived by this dashboard from Code-Point Open and ONS boundaries"),
}
