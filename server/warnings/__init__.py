"""The early-warning engine (预警): rules that find disputes about to escalate, and the alerts they raise."""
