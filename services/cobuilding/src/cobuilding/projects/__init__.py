"""The project list (项目清单): an organisation's projects with their partners, milestones, budget
and spending (and who funded it), the person-times planned and served; after each milestone its
progress and spending are in public notice (公示) for a set period, when anyone may comment or
object."""
