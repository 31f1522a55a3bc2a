"""Archive (H1-H2): archiving settled e-dossiers under Circular 13/2023/TT-BNV.

Models arrive with the issue that builds this app.
"""
