"""Traffic tools: replay an access log against a deployment, warm its caches, and
generate realistic logs (Zipf over images and parameter sets) when there is none."""
