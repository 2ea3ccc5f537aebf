"""Buying services (购买服务): a union or a street publishes what it buys, for whom, with a budget
and a period; social organisations offer; the buyer awards; the organisation awarded records its
deliveries (person-times served) and those served rate it; figures per area and per year."""
