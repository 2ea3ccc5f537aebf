"""The city portal: pages served to people in a browser."""
