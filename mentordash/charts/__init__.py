"""Pure figure builders: a data frame in, a plotly Figure out, one module per family of figures.

Suppressed cells arrive with missing values; a builder leaves them out and says so under the title.
"""
