"""Client organisations: schools, hospital wards and care providers, and who they want sent."""
