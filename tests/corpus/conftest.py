def pytest_terminal_summary(terminalreporter):
    from .test_corpus_walk import ROWS

    if not ROWS:
        return
    terminalreporter.write_line("")
    terminalreporter.write_line(f"{'corpus document':<48}{'operations':>11}{'prepared':>10}{'seconds':>9}")
    for name, operations, prepared, seconds in ROWS:
        terminalreporter.write_line(f"{name:<48}{operations:>11}{prepared:>10}{seconds:>9.2f}")
