"""One module per official file layout; each exposes parse(paths) -> {table name: DataFrame}."""
