"""The points and hours service: a double-entry ledger of what people and organisations earn
for the help they give, under earning rules kept as data."""
