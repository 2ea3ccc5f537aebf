"""Attendance: QR check-in and check-out at activities and at claims' work done on site, the
organisers' corrections, and what an attendance earns."""
