"""validation (placeholder)"""
