"""Booking venues by the half hour: single bookings and series, approval, the calendar and its iCalendar feed."""
