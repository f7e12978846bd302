"""Reading the vault: frontmatter, one note → a record, the index of every note, the caches,
and vaultkit's own files under `.vaultkit/`."""
