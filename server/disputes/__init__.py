"""The dispute closed loop: states, who may move a dispute on, time limits (docs/domain.md, "Disputes")."""
