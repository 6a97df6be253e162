"""The call path: arguments -> wire values -> validation -> a PreparedRequest -> transport -> read."""
