"""Pay: the calculation engine, grading, pay runs and the pay standard service (no Qt, no exports)."""
