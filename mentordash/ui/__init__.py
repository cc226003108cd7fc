"""Streamlit pieces shared by the pages: the only part of the package besides app.py and pages/ that imports Streamlit."""
