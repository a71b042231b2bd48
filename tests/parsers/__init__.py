"""Parser tests: one module per parser, fed with real macOS outputs from ../shared and the seeds."""
