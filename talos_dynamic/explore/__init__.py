"""What help(), the REPL and the CLI show: docs, signatures, samples, models, enums, views."""
