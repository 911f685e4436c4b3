"""精服 jingfu — the composition root: settings and the `jingfu` command line."""
