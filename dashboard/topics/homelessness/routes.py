"""How the homelessness publications are refreshed (see dashboard.core.routes)."""

from dashboard.core.routes import GovUkCollection, NoRoute

ROUTES = {
    "mhclg_hclic_detailed_la": GovUkCollection("mhclg_hclic_detailed_la"),
    "mhclg_rough_sleeping_snapshot": NoRoute(
        "each autumn snapshot is a separate GOV.UK page and no collection path for it is "
        "confirmed here, so none is guessed"
    ),
}
