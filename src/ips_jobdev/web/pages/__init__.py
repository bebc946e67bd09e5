"""The web app's pages, one module per page or group of pages; each has ``routes``."""
