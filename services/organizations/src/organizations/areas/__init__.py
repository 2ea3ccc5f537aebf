"""The area hierarchy: city, district, street, community, grid, building."""
