"""`vaultkit watch`: filesystem events → debounced batches → the live vault that rebuilds
the dashboards."""
