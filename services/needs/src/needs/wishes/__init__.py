"""Micro-wishes (微心愿) of residents, and the thank-you letters that follow them."""
