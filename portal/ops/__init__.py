"""Operations (U6, O1-O3): demo data, the embedded runner, health tasks."""
