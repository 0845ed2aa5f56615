"""Users and cadre links: the rules, apart from HTTP."""
