"""One module per page, each with render(); app.py puts them in st.navigation.

Not named ``pages``: Streamlit treats a ``pages/`` folder beside the entry script as an old-style
multipage app, and its widget reruns then go to the wrong script.
"""
