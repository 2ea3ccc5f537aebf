"""Bulk imports of areas, organisations and members from CSV or XLSX files."""
