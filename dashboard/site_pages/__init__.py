"""Pages that are not a topic: the overview and Data & sources.

Not named pages/: Streamlit reads a pages/ folder beside app.py as a legacy multipage app.
"""
