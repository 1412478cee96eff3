"""Managers' accounts: login, logout, password, roles."""
