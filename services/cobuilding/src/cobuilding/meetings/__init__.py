"""The neighbour partners' joint meeting (联席会议): its agenda drafted from what is stuck in the
area (needs unclaimed past half their time, overdue needs, wishes waiting a week, commitments
missed, concerns escalated), each with the partners best placed to take it; the administrator
records who came, what was decided and who took what, and a decision becomes a need in one step."""
