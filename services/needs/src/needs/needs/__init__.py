"""Needs that organisations post, and the claims that answer them."""
