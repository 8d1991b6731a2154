"""The benchmark: a corpus generator and a runner comparing sitegen with Pelican and Hugo."""
