"""Members: people of one or more organisations, whose phones and ID numbers are personal data."""
