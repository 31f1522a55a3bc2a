"""Archive (H1-H2): archiving settled e-dossiers under Circular 13/2023/TT-BNV."""
