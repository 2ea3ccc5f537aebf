"""Resources themselves: the venues, lendables and services organisations share, and finding them."""
