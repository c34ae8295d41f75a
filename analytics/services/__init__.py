"""The analytics' business rules: collecting figures, reading dashboards, topics, reports."""
