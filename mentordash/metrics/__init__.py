"""The metrics layer (docs/metrics.md): every number the app, the report and the command line show.

Each public function returns cells that have already passed through mentordash.privacy.
"""
