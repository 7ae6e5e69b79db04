"""The rules engine: declared rules, dated parameters, single and batch evaluation, traces."""
