"""Safe file primitives, knowing nothing of notes: bounded reads, exclusive and atomic writes,
swaps, containment, printable names, the watcher lock."""
