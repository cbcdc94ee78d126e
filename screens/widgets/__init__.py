"""Widgets shared by several screens (tables, headers, fields). They post messages up and
never reach into another widget's internals."""
