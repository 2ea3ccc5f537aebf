"""Co-building agreements (结对共建): two or more organisations sign for a term, each party's
commitments tracked occurrence by occurrence (done, due, missed) for both sides and the community;
a venue commitment is booked on the venue's calendar by the resources service."""
