"""One orchestration per command: init, build, sync, and the survey status and check share."""
