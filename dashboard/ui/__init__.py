"""Charts, maps, tables and source lines; figures are pure functions of data and selection."""
