"""Activities organisations hold, and the residents who sign up for their places."""
