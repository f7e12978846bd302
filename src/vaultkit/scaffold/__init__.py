"""The lists made into notes: which files a vault should have (plan), what each says (pages),
what exists already (existing), and creating the missing ones (create)."""
