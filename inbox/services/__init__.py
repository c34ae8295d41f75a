"""The inbox's business rules, one module per concern. Doors (views, API, admin, tasks) call
these functions and nothing else changes the inbox's state."""
