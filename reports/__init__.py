"""Reports (R1-R3): statistics, public dashboard, processing discipline."""
