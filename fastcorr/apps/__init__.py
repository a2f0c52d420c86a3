"""Research workflows built on the public fastcorr API (co-movement index, periodic tables)."""
