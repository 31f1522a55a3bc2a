"""Reports (R1-R3): statistics, public dashboard, processing discipline.

Models arrive with the issue that builds this app.
"""
