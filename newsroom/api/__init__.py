"""The REST API (/api/v1/): the same service functions as the browser pages."""
