"""The documentation page's files (admin_api.docs_page), shipped as package data."""
