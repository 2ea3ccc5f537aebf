"""The co-building service: residents' voices in the red mailbox (红色信箱), each answered by their
community in time, or by the street and the district above it when not."""
