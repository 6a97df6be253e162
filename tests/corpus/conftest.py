def pytest_terminal_summary(terminalreporter):
    from .test_corpus_walk import ROWS
    from .test_fast_validation_differential import STATS

    if ROWS:
        terminalreporter.write_line("")
        terminalreporter.write_line(f"{'corpus document':<48}{'operations':>11}{'prepared':>10}{'seconds':>9}")
        for name, operations, prepared, seconds in ROWS:
            terminalreporter.write_line(f"{name:<48}{operations:>11}{prepared:>10}{seconds:>9.2f}")
    if STATS:
        terminalreporter.write_line("")
        header = f"{'fast path vs jsonschema':<48}{'schemas':>9}{'slow only':>10}{'instances':>10}{'valid':>8}"
        terminalreporter.write_line(header)
        for name, counts in STATS:
            terminalreporter.write_line(
                f"{name:<48}{counts['schemas']:>9}{counts['slow path only']:>10}{counts['instances']:>10}"
                f"{counts['valid']:>8}"
            )
