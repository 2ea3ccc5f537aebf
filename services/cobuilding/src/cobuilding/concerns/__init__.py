"""The red mailbox (红色信箱): a resident's concern, suggestion or complaint, answered by their
community within its time or escalated to the street and then the district, and rated by them."""
