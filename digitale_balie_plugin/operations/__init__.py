"""Running the counter in production: health probes, Prometheus metrics, the workers as the app servers see them."""
